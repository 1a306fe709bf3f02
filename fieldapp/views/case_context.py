"""What the case page shows: the case, its forms (fresh, or the one just refused), the timeline."""
from __future__ import annotations

from datetime import timedelta

from fieldapp.forms.cases import AssessForm, CloseForm, NoteForm, RemoteSupportForm, ResolveForm, StatusForm
from fieldapp.forms.scheduling import CancelVisitForm, RescheduleForm, reassign_form, schedule_form
from fieldapp.models import Case, CaseStatus, CaseType, ServiceType, User, Visit, VisitStatus
from fieldapp.orm import utcnow
from fieldapp.services import lifecycle, schedule, sla
from fieldapp.views import complaint_context, followup_context, mail_context, return_context

# The service type a new visit starts with, from what the case is about.
SERVICE_FOR_CASE = {CaseType.INSTALLATION: ServiceType.INSTALLATION, CaseType.MAINTENANCE: ServiceType.MAINTENANCE,
                    CaseType.QUESTION: ServiceType.TROUBLESHOOTING}


def default_service(case: Case) -> ServiceType:
    return SERVICE_FOR_CASE.get(case.case_type, ServiceType.REPAIR)


def new_schedule_form(case: Case, technicians: list[User]):
    """A booking form filled with a sensible slot: the next full hour, a two-hour window."""
    start = schedule.local(utcnow() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return schedule_form(technicians, formdata=None, day=start.date(), start=start.time(),
                         window_end=(start + timedelta(hours=2)).time(), minutes=60,
                         service_type=default_service(case).value)


def visit_forms(visit: Visit, technicians: list[User]) -> dict:
    local = schedule.local(visit.scheduled_start)
    return {
        "reschedule": RescheduleForm(formdata=None, day=local.date(), start=local.time(),
                                     window_end=schedule.local(visit.scheduled_end).time(),
                                     minutes=visit.expected_minutes),
        "reassign": reassign_form(technicians, formdata=None, technician_id=visit.technician_id),
        "cancel": CancelVisitForm(formdata=None),
    }


def case_context(case: Case, **overrides) -> dict:
    today = schedule.today()
    forms = {
        "assess_form": AssessForm(formdata=None, assessment_notes=case.assessment_notes,
                                  category=case.assessment_category, priority=case.priority.value),
        "remote_form": RemoteSupportForm(formdata=None, channel=case.channel.value),
        "status_form": StatusForm(formdata=None),
        "resolve_form": ResolveForm(formdata=None, summary=case.resolution_summary),
        "close_form": CloseForm(formdata=None, summary=case.resolution_summary, closed_on=today),
        "reopen_form": NoteForm(formdata=None),
        "note_form": NoteForm(formdata=None),
        **return_context.case_forms(case, overrides),
        **mail_context.case_forms(case),
    }
    clear_forms = {item.id: NoteForm(formdata=None) for item in case.open_attention}
    clear_forms.update(overrides.pop("clear_forms", {}))
    changeable = [v for v in case.visits if v.status in (VisitStatus.SCHEDULED, VisitStatus.TRAVELLING)]
    technicians = schedule.technicians() if case.status.is_open else []
    per_visit = {v.id: visit_forms(v, technicians) for v in changeable}
    if "visit_form" in overrides:
        visit_id, kind, form = overrides.pop("visit_form")
        per_visit.setdefault(visit_id, {})[kind] = form
    forms["schedule_form"] = overrides.pop("schedule_form", None) or new_schedule_form(case, technicians)
    forms.update(overrides)
    return {
        "case": case,
        "asset": case.asset,
        "customer": case.customer,
        "coverage": case.asset.coverage_on(today) if case.asset else None,
        "today": today,
        "open_visits": [v for v in case.visits if not v.status.is_finished],
        "timeline": sorted(case.events, key=lambda e: (e.at, e.id), reverse=True),
        "event_labels": lifecycle.EVENT_LABELS,
        "clear_forms": clear_forms,
        "visit_forms": per_visit,
        "clashes": None,
        "is_open": case.status.is_open,
        "can_close": case.status is not CaseStatus.CLOSED and case.status is not CaseStatus.CANCELLED,
        "action_error": None,
        "clocks": sla.clocks(case),
        **followup_context.case_forms(case),
        **complaint_context.case_forms(case),
        **forms,
    }
