"""The case page (/cases/<id>): its layout, and the sections the cases area shows on it. Other
areas add theirs (email, follow-ups, complaints, returns) to `case_page` by name; a refused form
of any action comes back in its section through the same builders (web/sections.py)."""
from __future__ import annotations


from flask import g, url_for

from fieldapp import clock
from fieldapp.forms.cases import AssessForm, CloseForm, NoteForm, RemoteSupportForm, ResolveForm, StatusForm
from fieldapp.forms.scheduling import CancelVisitForm, RescheduleForm, reassign_form, schedule_form
from fieldapp.models import Case, CaseStatus, User, Visit, VisitStatus
from fieldapp.forms.ratings import ASPECT_LABELS, OfficeRatingForm
from fieldapp.services import booking, field_team, lifecycle, ratings, sla
from fieldapp.web.actions import Refused, form_in
from fieldapp.web.loaders import load_case
from fieldapp.web.sections import Section, page


def _base(case: Case) -> dict:
    return {"case": case, "asset": case.asset, "customer": case.customer, "today": clock.today(),
            "is_open": case.status.is_open}


def _url(case_id: int, **anchor) -> str:
    return url_for("cases.show", case_id=case_id, **anchor)


case_page = page("case").define("cases/show.html", load=load_case, base=_base, url=_url)


def _technicians() -> list[User]:
    """Active technicians, read once per request (the booking form and each visit's changes)."""
    if "case_technicians" not in g:
        g.case_technicians = field_team.technicians()
    return g.case_technicians


def _attention(case: Case, refused: Refused | None) -> dict:
    return {"clear_forms": {item.id: form_in(refused, ("clear", item.id)) or NoteForm(formdata=None)
                            for item in case.open_attention}}


def _clocks(case: Case, refused: Refused | None) -> dict:
    return {"clocks": sla.clocks(case)}


def _customer(case: Case, refused: Refused | None) -> dict:
    return {"coverage": case.asset.coverage_on(clock.today()) if case.asset else None}


def _nothing(case: Case, refused: Refused | None) -> dict:
    return {}


CHANGEABLE = (VisitStatus.SCHEDULED, VisitStatus.TRAVELLING)


def visit_change_forms(visit: Visit, refused: Refused | None, category: str | None = None) -> dict:
    """Move, reassign and cancel forms of a visit still to come (the refused one in its place);
    the technicians qualified for `category` (the case's product's) are offered first."""
    start, end = clock.local(visit.scheduled_start), clock.local(visit.scheduled_end)
    return {
        "reschedule": form_in(refused, ("reschedule", visit.id)) or RescheduleForm(
            formdata=None, day=start.date(), start=start.time(), window_end=end.time(), minutes=visit.expected_minutes),
        "reassign": form_in(refused, ("reassign", visit.id)) or reassign_form(
            _technicians(), category, formdata=None, technician_id=visit.technician_id),
        "cancel": form_in(refused, ("cancel", visit.id)) or CancelVisitForm(formdata=None),
    }


def _visits(case: Case, refused: Refused | None) -> dict:
    # A refused change of a visit that is no longer to come (cancelled meanwhile) has no form to
    # come back in: its message is shown at the top of the page.
    category = field_team.category_of(case)
    return {"visit_forms": {v.id: visit_change_forms(v, refused, category) for v in case.visits
                            if v.status in CHANGEABLE}}


def new_booking_form(case: Case):
    """A booking form with nothing chosen for the dispatcher (who, when: the customer's preferred
    time is shown beside it; the technicians qualified for the product first), an hour's work and
    the service the case is about."""
    return schedule_form(_technicians(), field_team.category_of(case), formdata=None, minutes=60,
                         service_type=booking.default_service(case).value)


def _skill_gap(case: Case, form) -> field_team.SkillGap | None:
    """For a booking form sent back: its chosen technician has no skill for the case's product."""
    chosen = form.technician_id.data if form is not None else None
    return field_team.skill_gap(booking.technician_or_none(chosen), case) if chosen else None


# What the case needs next, shown first and open; the other actions folded below it.
NEXT_ACTION = {
    CaseStatus.NEW: "assess", CaseStatus.ASSESSING: "assess", CaseStatus.REOPENED: "assess",
    CaseStatus.REMOTE_SUPPORT: "remote-support", CaseStatus.VISIT_NEEDED: "book",
    CaseStatus.WAITING_CUSTOMER: "move", CaseStatus.WAITING_PARTS: "move", CaseStatus.RESOLVED: "close",
    CaseStatus.CLOSED: "reopen", CaseStatus.CANCELLED: "reopen",
}
ACTION_ORDER = ("assess", "remote-support", "book", "move", "close", "rate", "reopen")
# The form slot a refused action comes back in, and the action it belongs to (kept open).
SLOT_ACTION = {"assess": "assess", "remote": "remote-support", "book": "book", "status": "move",
               "resolve": "close", "close": "close", "reopen": "reopen", "rate": "rate"}


def _action_order(case: Case, refused: Refused | None, rateable: bool = False) -> tuple[list[str], set[str]]:
    offered = {"assess", "remote-support", "book", "move"} if case.status.is_open else {"reopen"}
    if rateable:
        offered.add("rate")
    if case.status not in (CaseStatus.CLOSED, CaseStatus.CANCELLED):
        offered.add("close")
    following = NEXT_ACTION.get(case.status)
    order = [following] if following in offered else []
    order += [name for name in ACTION_ORDER if name in offered and name not in order]
    opened = set(order[:1]) if following in offered else set()
    if refused is not None and refused.slot in SLOT_ACTION:
        opened.add(SLOT_ACTION[refused.slot])
    return order, opened


def _actions(case: Case, refused: Refused | None) -> dict:
    today = clock.today()
    rate_visits, rate_case = ratings.still_to_rate(case)
    action_order, open_actions = _action_order(case, refused, bool(rate_visits or rate_case))
    rating_form = form_in(refused, "rate") or OfficeRatingForm(formdata=None)
    rating_form.offer(rate_visits, rate_case)
    booking = form_in(refused, "book")
    clashes = getattr(refused.error, "conflicts", None) if booking is not None else None
    if case.status.is_open and booking is None:
        booking = new_booking_form(case)
    return {
        "assess_form": form_in(refused, "assess") or AssessForm(
            formdata=None, assessment_notes=case.assessment_notes, category=case.assessment_category,
            priority=case.priority.value),
        "remote_form": form_in(refused, "remote") or RemoteSupportForm(formdata=None, channel=case.channel.value),
        "status_form": form_in(refused, "status") or StatusForm(formdata=None),
        "resolve_form": form_in(refused, "resolve") or ResolveForm(formdata=None, summary=case.resolution_summary),
        "close_form": form_in(refused, "close") or CloseForm(
            formdata=None, summary=case.resolution_summary, closed_on=today),
        "reopen_form": form_in(refused, "reopen") or NoteForm(formdata=None),
        "schedule_form": booking,
        "rating_form": rating_form,
        "aspects": ASPECT_LABELS,
        "clashes": clashes,
        "skill_gap": _skill_gap(case, booking),
        "open_visits": [v for v in case.visits if not v.status.is_finished],
        "can_close": case.status not in (CaseStatus.CLOSED, CaseStatus.CANCELLED),
        "action_order": action_order,
        "open_actions": open_actions,
        "next_action": action_order[0] if action_order and action_order[0] in open_actions else None,
    }


def _timeline(case: Case, refused: Refused | None) -> dict:
    return {"timeline": sorted(case.events, key=lambda e: (e.at, e.id), reverse=True),
            "event_labels": lifecycle.EVENT_LABELS, "note_form": form_in(refused, "note") or NoteForm(formdata=None)}


for _section in (
    Section("attention", "cases/_attention.html", _attention, order=10),
    Section("targets", "cases/_clocks.html", _clocks, order=20),
    Section("request", "cases/_request.html", _nothing, order=30),
    Section("customer", "cases/_customer.html", _customer, order=50),
    Section("assessment", "cases/_assessment.html", _nothing, order=60),
    Section("visits", "cases/_visits.html", _visits, order=70),
    Section("resolution", "cases/_resolution.html", _nothing, order=200),
    Section("actions", "cases/_actions.html", _actions, slot="side"),
    Section("timeline", "cases/_timeline.html", _timeline, slot="side", order=200),
):
    case_page.add(_section)
