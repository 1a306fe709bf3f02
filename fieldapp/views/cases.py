"""The case page (/cases/<id>): everything about one request, and every action a dispatcher
takes on it as a small form. Each action goes through the write path and comes back here."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.forms.cases import AssessForm, CloseForm, NoteForm, RemoteSupportForm, ResolveForm, StatusForm
from fieldapp.htmx import see_other
from fieldapp.models import CaseStatus, Channel, Priority, RemoteSupportOutcome
from fieldapp.services import desk, lifecycle
from fieldapp.views.case_context import case_context
from fieldapp.views.loaders import load_case
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.get("/<int:case_id>")
@roles(*OFFICE)
def show(case_id: int):
    return render_template("cases/show.html", **case_context(load_case(case_id)))


def act_on_case(case_id: int, form, apply, message: str, form_key: str, anchor: str = "actions", form_value=None):
    """One action on the case: on success back to the page with `message`; refused, the page
    again with the submitted form (errors and typed text) in place of `form_key`."""
    case = load_case(case_id)

    def done(_):
        flash(message, "success")
        return see_other(url_for("cases.show", case_id=case_id, _anchor=anchor))

    def refused(refusal: Refusal):
        fresh = load_case(case_id)
        return render_template("cases/show.html", **case_context(
            fresh, action_error=refusal.elsewhere, **{form_key: form_value or form})), refusal.status

    return perform(form, lambda: apply(case), done, refused)


@bp.post("/<int:case_id>/assess")
@roles(*OFFICE)
def assess(case_id: int):
    form = AssessForm()
    return act_on_case(case_id, form, lambda case: desk.assess(
        case, form.assessment_notes.data, form.category.data, Priority(form.priority.data),
        CaseStatus(form.decision.data), current_user), "Assessment saved.", "assess_form")


@bp.post("/<int:case_id>/remote-support")
@roles(*OFFICE)
def remote_support(case_id: int):
    form = RemoteSupportForm()
    return act_on_case(case_id, form, lambda case: desk.log_remote_support(
        case, Channel(form.channel.data), form.steps.data, RemoteSupportOutcome(form.outcome.data), current_user),
        "Remote support logged.", "remote_form")


@bp.post("/<int:case_id>/status")
@roles(*OFFICE)
def change_status(case_id: int):
    form = StatusForm()
    return act_on_case(case_id, form, lambda case: desk.change_status(
        case, CaseStatus(form.status.data), form.note.data, current_user), "Status changed.", "status_form")


@bp.post("/<int:case_id>/resolve")
@roles(*OFFICE)
def resolve(case_id: int):
    form = ResolveForm()
    return act_on_case(case_id, form, lambda case: desk.resolve(case, form.summary.data, current_user),
                "Case resolved.", "resolve_form")


@bp.post("/<int:case_id>/close")
@roles(*OFFICE)
def close(case_id: int):
    form = CloseForm()
    return act_on_case(case_id, form, lambda case: desk.close(
        case, form.summary.data, form.closed_on.data, form.waive_follow_ups.data, current_user),
        "Case closed.", "close_form")


@bp.post("/<int:case_id>/reopen")
@roles(*OFFICE)
def reopen(case_id: int):
    form = NoteForm()
    return act_on_case(case_id, form, lambda case: desk.reopen(case, form.note.data, current_user),
                "Case reopened.", "reopen_form")


@bp.post("/<int:case_id>/attention/<int:item_id>/clear")
@roles(*OFFICE)
def clear_attention(case_id: int, item_id: int):
    form = NoteForm()
    return act_on_case(case_id, form, lambda case: desk.clear_attention(case, item_id, form.note.data, current_user),
                "Attention item cleared.", "clear_forms", anchor="attention", form_value={item_id: form})


@bp.post("/<int:case_id>/notes")
@roles(*OFFICE)
def add_note(case_id: int):
    form = NoteForm()
    return act_on_case(case_id, form, lambda case: lifecycle.record(case, "note", form.note.data.strip(), current_user),
                "Note added to the timeline.", "note_form", anchor="timeline")


