"""Booking, moving, reassigning and cancelling a case's visits (process step 4). Clashes in the
technician's diary are shown before saving (a live check as the form is filled in) and again
when saving, where a reason books over them."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.forms.scheduling import CancelVisitForm, QuickBookForm, ReassignForm, RescheduleForm, ScheduleForm
from fieldapp.models import Case, ServiceType, Visit
from fieldapp.services import booking, field_team
from fieldapp.views.cases.page import case_page
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.loaders import load_case
from fieldapp.web.sections import OnPage

bp = Blueprint("scheduling", __name__, url_prefix="/cases/<int:case_id>/visits")


def _visit(case: Case, visit_id: int) -> Visit:
    return next((v for v in case.visits if v.id == visit_id), None) or abort(404)


def on_visits(case_id: int, message: str) -> OnPage:
    return OnPage(case_page, case_id, message, anchor="visits")


def _technician_choices(form, case: Case):
    """The active technicians, those qualified for the case's product category first."""
    form.set_technicians(field_team.technicians(), field_team.category_of(case))
    return form


@bp.post("/")
@roles(*OFFICE)
def book(case_id: int):
    case = load_case(case_id)
    form = _technician_choices(ScheduleForm(), case)
    return act(form, lambda: booking.schedule_visit(
        case, booking.technician_or_none(form.technician_id.data), form.starts_at, form.window_ends_at,
        ServiceType(form.service_type.data), form.minutes.data, form.notes.data, current_user,
        form.override_reason.data), on_visits(case_id, _("Visit booked. The technician sees it on Today.")), "book")


class QuickBooked(OnPage):
    """From the board's queue: back to the board's day. Refused (a clash, say), the case page
    opens with the full booking form filled in from what was chosen, each problem at its field."""

    def __init__(self, case: Case, form: QuickBookForm):
        super().__init__(case_page, case.id, self._message, to=url_for("dispatch.board", day=form.day.data.isoformat()
                                                                         if form.day.data else None))
        self.case, self.form = case, form

    def _message(self, visit: Visit | None) -> str:
        if visit is None:
            return _("Already booked.")
        return _("%(number)s booked for %(technician)s.", number=self.case.number, technician=visit.technician.name)

    def refusal(self, refused: Refused):
        quick, start = self.form, self.form.starts_at
        full = ScheduleForm(formdata=None, technician_id=quick.technician_id.data, day=quick.day.data,
                            start=quick.start.data,
                            window_end=(start + booking.QUICK_WINDOW).time() if start else None, minutes=60,
                            service_type=booking.default_service(self.case).value)
        _technician_choices(full, self.case)
        for name in ("technician_id", "day", "start"):
            full[name].errors = list(quick[name].errors)
        refused.form, refused.slot = full, "book"
        return super().refusal(refused)


@bp.post("/quick")
@roles(*OFFICE)
def quick_book(case_id: int):
    case = load_case(case_id)
    form = _technician_choices(QuickBookForm(), case)
    return act(form, lambda: booking.quick_book(case, booking.technician_or_none(form.technician_id.data),
                                                   form.starts_at, current_user), QuickBooked(case, form), "book")


@bp.get("/clashes")
@roles(*OFFICE)
def clashes(case_id: int):
    """The live check while the booking form is filled in: what the chosen slot overlaps, and
    whether the chosen technician lacks the skill the case's product needs (a warning only)."""
    case = load_case(case_id)
    form = _technician_choices(ScheduleForm(formdata=request.args, meta={"csrf": False}), case)
    technician = booking.technician_or_none(
        form.technician_id.data if form.technician_id.validate(form) else None)
    found = []
    if technician and form.day.validate(form) and form.start.validate(form) and form.minutes.validate(form):
        found = booking.conflicts(technician, form.starts_at, form.minutes.data)
    return render_template("cases/_clashes.html", clashes=found, technician=technician, form=form,
                           skill_gap=field_team.skill_gap(technician, case))


@bp.post("/<int:visit_id>/reschedule")
@roles(*OFFICE)
def reschedule(case_id: int, visit_id: int):
    visit, form = _visit(load_case(case_id), visit_id), RescheduleForm()
    return act(form, lambda: booking.reschedule(
        visit, form.starts_at, form.window_ends_at, form.minutes.data, form.reason.data, current_user,
        form.override_reason.data), on_visits(case_id, _("Visit moved. The technician sees the new time on Today.")),
        ("reschedule", visit_id), first=lambda: booking.require_changeable(visit, "rescheduled"))


@bp.post("/<int:visit_id>/reassign")
@roles(*OFFICE)
def reassign(case_id: int, visit_id: int):
    case = load_case(case_id)
    visit, form = _visit(case, visit_id), _technician_choices(ReassignForm(), case)
    return act(form, lambda: booking.reassign(
        visit, booking.technician_or_none(form.technician_id.data), form.reason.data, current_user,
        form.override_reason.data), on_visits(case_id, _("Visit reassigned.")), ("reassign", visit_id),
        first=lambda: booking.require_changeable(visit, "reassigned"))


@bp.post("/<int:visit_id>/cancel")
@roles(*OFFICE)
def cancel(case_id: int, visit_id: int):
    visit, form = _visit(load_case(case_id), visit_id), CancelVisitForm()
    return act(form, lambda: booking.cancel(visit, form.reason.data, current_user),
               on_visits(case_id, _("Visit cancelled.")), ("cancel", visit_id),
               first=lambda: booking.require_changeable(visit, "cancelled"))
