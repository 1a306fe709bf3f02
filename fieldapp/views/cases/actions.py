"""The case page and the dispatcher's actions on it, each a small form that comes back to the page:
assess, log remote support, change the status, resolve, close, reopen, clear attention, add a note."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.forms.cases import AssessForm, CloseForm, NoteForm, RemoteSupportForm, ResolveForm, StatusForm
from fieldapp.models import CaseStatus, Channel, Priority, RemoteSupportOutcome
from fieldapp.forms.ratings import OfficeRatingForm
from fieldapp.services import desk, lifecycle, ratings
from fieldapp.views.cases.page import case_page
from fieldapp.web.actions import act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.loaders import load_case
from fieldapp.web.sections import OnPage

bp = Blueprint("cases", __name__, url_prefix="/cases")


def on_case(case_id: int, message: str, anchor: str = "actions") -> OnPage:
    """Done: back to the case page at `anchor` with `message`; refused: the page with the form."""
    return OnPage(case_page, case_id, message, anchor)


@bp.get("/<int:case_id>")
@roles(*OFFICE)
def show(case_id: int):
    return case_page.render(load_case(case_id))


@bp.post("/<int:case_id>/assess")
@roles(*OFFICE)
def assess(case_id: int):
    case, form = load_case(case_id), AssessForm()
    return act(form, lambda: desk.assess(case, form.assessment_notes.data, form.category.data,
                                         Priority(form.priority.data), CaseStatus(form.decision.data), current_user),
               on_case(case_id, _("Assessment saved.")), "assess")


@bp.post("/<int:case_id>/remote-support")
@roles(*OFFICE)
def remote_support(case_id: int):
    case, form = load_case(case_id), RemoteSupportForm()
    return act(form, lambda: desk.log_remote_support(case, Channel(form.channel.data), form.steps.data,
                                                     RemoteSupportOutcome(form.outcome.data), current_user),
               on_case(case_id, _("Remote support logged.")), "remote")


@bp.post("/<int:case_id>/rating")
@roles(*OFFICE)
def take_rating(case_id: int):
    """A rating the customer gave on a call, written down by the office."""
    case, form = load_case(case_id), OfficeRatingForm()
    visits, whole_case = ratings.still_to_rate(case)
    form.offer(visits, whole_case)
    return act(form, lambda: ratings.take_for_case(case, form.visit_id.data, form.scores(), form.comments.data,
                                                   form.complaint.data, current_user),
               on_case(case_id, _("The customer's rating is recorded.")), "rate")


@bp.post("/<int:case_id>/status")
@roles(*OFFICE)
def change_status(case_id: int):
    case, form = load_case(case_id), StatusForm()
    return act(form, lambda: desk.change_status(case, CaseStatus(form.status.data), form.note.data, current_user),
               on_case(case_id, _("Status changed.")), "status")


@bp.post("/<int:case_id>/resolve")
@roles(*OFFICE)
def resolve(case_id: int):
    case, form = load_case(case_id), ResolveForm()
    return act(form, lambda: desk.resolve(case, form.summary.data, current_user),
               on_case(case_id, _("Case resolved.")), "resolve")


@bp.post("/<int:case_id>/close")
@roles(*OFFICE)
def close(case_id: int):
    case, form = load_case(case_id), CloseForm()
    return act(form, lambda: desk.close(case, form.summary.data, form.closed_on.data, form.waive_follow_ups.data,
                                        current_user),
               on_case(case_id, _("Case closed.")), "close")


@bp.post("/<int:case_id>/reopen")
@roles(*OFFICE)
def reopen(case_id: int):
    case, form = load_case(case_id), NoteForm()
    return act(form, lambda: desk.reopen(case, form.note.data, current_user),
               on_case(case_id, _("Case reopened.")), "reopen")


@bp.post("/<int:case_id>/attention/<int:item_id>/clear")
@roles(*OFFICE)
def clear_attention(case_id: int, item_id: int):
    case, form = load_case(case_id), NoteForm()
    return act(form, lambda: desk.clear_attention(case, item_id, form.note.data, current_user),
               on_case(case_id, _("Attention item cleared."), "attention"), ("clear", item_id))


@bp.post("/<int:case_id>/notes")
@roles(*OFFICE)
def add_note(case_id: int):
    case, form = load_case(case_id), NoteForm()
    return act(form, lambda: lifecycle.record(case, "note", form.note.data.strip(), current_user),
               on_case(case_id, _("Note added to the timeline."), "timeline"), "note")
