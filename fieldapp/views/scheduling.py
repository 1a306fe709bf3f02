"""Booking, moving, reassigning and cancelling a case's visits (process step 4). Clashes in the
technician's diary are shown before saving (a live check as the form is filled in) and again
when saving, where a reason books over them."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.extensions import db
from fieldapp.forms.scheduling import CancelVisitForm, QuickBookForm, ReassignForm, RescheduleForm, ScheduleForm
from fieldapp.htmx import see_other
from fieldapp.models import Role, ServiceType, User
from fieldapp.services import schedule, scheduling
from fieldapp.views.case_context import case_context, default_service
from fieldapp.views.loaders import load_case
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("scheduling", __name__, url_prefix="/cases/<int:case_id>/visits")

QUICK_WINDOW = timedelta(hours=2)


def technician_or_none(user_id: int | None) -> User | None:
    user = db.session.get(User, user_id) if user_id else None
    return user if user is not None and user.role is Role.TECHNICIAN and user.active else None


def _visit(case, visit_id: int):
    return next((v for v in case.visits if v.id == visit_id), None) or abort(404)


def _back_to_case(case_id: int, message: str, anchor: str = "visits"):
    flash(message, "success")
    return see_other(url_for("cases.show", case_id=case_id, _anchor=anchor))


def _refused_page(case_id: int, form_key, form, refusal: Refusal, error=None):
    """The case page again with the refused form; a clash lists the visits it overlaps.
    `form_key`: "schedule_form", or (visit id, "reschedule" | "reassign" | "cancel")."""
    case = load_case(case_id)
    overrides = {"schedule_form": form} if form_key == "schedule_form" else {"visit_form": (*form_key, form)}
    return render_template("cases/show.html", **case_context(
        case, action_error=refusal.elsewhere, clashes=getattr(error, "conflicts", None), **overrides)), refusal.status


def _perform(case_id: int, form, form_key, apply, message: str):
    caught = {}

    def guarded():
        try:
            return apply()
        except scheduling.ScheduleConflict as clash:
            caught["error"] = clash
            raise

    return perform(form, guarded, lambda _: _back_to_case(case_id, message),
                   lambda refusal: _refused_page(case_id, form_key, form, refusal, caught.get("error")))


@bp.post("/")
@roles(*OFFICE)
def book(case_id: int):
    case = load_case(case_id)
    form = ScheduleForm()
    form.set_technicians(schedule.technicians())
    return _perform(case_id, form, "schedule_form", lambda: scheduling.schedule_visit(
        case, technician_or_none(form.technician_id.data), form.starts_at, form.window_ends_at,
        ServiceType(form.service_type.data), form.minutes.data, form.notes.data, current_user,
        form.override_reason.data), "Visit booked. The technician sees it on Today.")


@bp.post("/quick")
@roles(*OFFICE)
def quick_book(case_id: int):
    """Assign from the board's queue: a two-hour window and an hour's work from the chosen time.
    Refused (a clash, say), the case page opens with the full booking form filled in."""
    case = load_case(case_id)
    form = QuickBookForm()
    form.set_technicians(schedule.technicians())
    caught = {}

    def apply():
        start = form.starts_at
        try:
            return scheduling.schedule_visit(case, technician_or_none(form.technician_id.data), start,
                                             start + QUICK_WINDOW, default_service(case), 60, None, current_user)
        except scheduling.ScheduleConflict as clash:
            caught["error"] = clash
            raise

    def done(visit):
        flash(f"{case.number} booked for {visit.technician.name}." if visit else "Already booked.", "success")
        return see_other(url_for("dispatch.board", day=form.day.data.isoformat()))

    def refused(refusal: Refusal):
        start = form.starts_at
        full = ScheduleForm(formdata=None, technician_id=form.technician_id.data, day=form.day.data,
                            start=form.start.data, window_end=(start + QUICK_WINDOW).time() if start else None,
                            minutes=60, service_type=default_service(case).value)
        full.set_technicians(schedule.technicians())
        for name in ("technician_id", "day", "start"):  # each problem where it is on the full form
            full[name].errors = list(form[name].errors)
        return _refused_page(case_id, "schedule_form", full, refusal, caught.get("error"))

    return perform(form, apply, done, refused)


@bp.get("/clashes")
@roles(*OFFICE)
def clashes(case_id: int):
    """The live check while the booking form is filled in: what the chosen slot overlaps."""
    load_case(case_id)
    form = ScheduleForm(formdata=request.args, meta={"csrf": False})
    form.set_technicians(schedule.technicians())
    technician = technician_or_none(form.technician_id.data if form.technician_id.validate(form) else None)
    found = []
    if technician and form.day.validate(form) and form.start.validate(form) and form.minutes.validate(form):
        found = scheduling.conflicts(technician, form.starts_at, form.minutes.data)
    return render_template("cases/_clashes.html", clashes=found, technician=technician)


@bp.post("/<int:visit_id>/reschedule")
@roles(*OFFICE)
def reschedule(case_id: int, visit_id: int):
    visit = _visit(load_case(case_id), visit_id)
    form = RescheduleForm()
    return _perform(case_id, form, (visit_id, "reschedule"), lambda: scheduling.reschedule(
        visit, form.starts_at, form.window_ends_at, form.minutes.data, form.reason.data, current_user,
        form.override_reason.data), "Visit moved. The technician sees the new time on Today.")


@bp.post("/<int:visit_id>/reassign")
@roles(*OFFICE)
def reassign(case_id: int, visit_id: int):
    visit = _visit(load_case(case_id), visit_id)
    form = ReassignForm()
    form.set_technicians(schedule.technicians())
    return _perform(case_id, form, (visit_id, "reassign"), lambda: scheduling.reassign(
        visit, technician_or_none(form.technician_id.data), form.reason.data, current_user,
        form.override_reason.data), "Visit reassigned.")


@bp.post("/<int:visit_id>/cancel")
@roles(*OFFICE)
def cancel(case_id: int, visit_id: int):
    visit = _visit(load_case(case_id), visit_id)
    form = CancelVisitForm()
    return _perform(case_id, form, (visit_id, "cancel"),
                    lambda: scheduling.cancel(visit, form.reason.data, current_user), "Visit cancelled.")
