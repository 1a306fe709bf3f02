"""Follow-ups (/follow-ups/): the office's queue of calls, emails, surveys and return visits,
overdue, due today, upcoming and done; each marked done with its outcome, which may open a new
case or send the case to its booking form. Planning one is an action on the case page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.forms.followups import FollowUpDoneForm, FollowUpForm
from fieldapp.htmx import see_other
from fieldapp.models import FollowUpKind
from fieldapp.services import followups
from fieldapp.services.followups import NextStep
from fieldapp.views.case_context import case_context
from fieldapp.views.cases import act_on_case
from fieldapp.views.followup_context import filters_arg, queue_context
from fieldapp.views.loaders import load_case
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("followups", __name__)


@bp.get("/follow-ups/")
@roles(*OFFICE)
def index():
    return render_template("followups/index.html", **queue_context())


@bp.post("/follow-ups/<int:follow_up_id>/done")
@roles(*OFFICE)
def done(follow_up_id: int):
    """From the queue (its filters in the URL) or from the case page (back=case)."""
    follow_up = followups.get(follow_up_id) or abort(404)
    case_id = follow_up.case_id
    form = FollowUpDoneForm()
    on_case = form.back.data == "case"

    def finished(result: followups.Completed | None):
        if result is not None and result.new_case is not None:
            flash(f"Follow-up done. New case {result.new_case.number} opened.", "success")
            return see_other(url_for("cases.show", case_id=result.new_case.id))
        if result is not None and result.next_step is NextStep.VISIT:
            flash("Follow-up done. Book the visit here.", "success")
            return see_other(url_for("cases.show", case_id=case_id, _anchor="book"))
        flash("Follow-up done.", "success")
        if on_case:
            return see_other(url_for("cases.show", case_id=case_id, _anchor="follow-ups"))
        return see_other(url_for("followups.index", **filters_arg().as_args()))

    def refused(refusal: Refusal):
        if on_case:
            return render_template("cases/show.html", **case_context(
                load_case(case_id), action_error=refusal.elsewhere,
                follow_up_refused=(follow_up_id, form))), refusal.status
        return render_template("followups/index.html", **queue_context(
            (follow_up_id, form), refusal.elsewhere)), refusal.status

    return perform(form, lambda: followups.complete(follow_up, form.outcome.data, current_user,
                                                    NextStep(form.next_step.data)), finished, refused)


@bp.post("/cases/<int:case_id>/follow-ups")
@roles(*OFFICE)
def add(case_id: int):
    form = FollowUpForm()
    return act_on_case(case_id, form, lambda case: followups.add(
        case, FollowUpKind(form.kind.data), form.due_on.data, form.notes.data, current_user),
        "Follow-up planned.", "follow_up_form", anchor="follow-ups")
