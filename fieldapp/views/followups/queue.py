"""Follow-ups (/follow-ups/): the office's queue of calls, emails, surveys and return visits,
overdue, due today, upcoming and done; each marked done with its outcome, which may open a new
case or send the case to its booking form. Planning one is an action on the case page, where
the case's follow-ups are a section (the same done form as here: followups/_done_form.html)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock
from fieldapp.forms.followups import FollowUpDoneForm, FollowUpForm
from fieldapp.models import Case, FollowUpKind
from fieldapp.services import followups
from fieldapp.services.followups import NextStep
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.loaders import load_case
from fieldapp.web.params import choice_arg, enum_arg, page_arg
from fieldapp.web.sections import OnPage, Section, page

bp = Blueprint("followups", __name__)
case_page = page("case")


def filters_arg() -> followups.QueueFilters:
    """?bucket= and ?kind=; anything not on the page's tabs and list is a 400."""
    bucket = choice_arg("bucket", followups.BUCKETS, _("Unknown list: choose overdue, today, upcoming or done."),
                        followups.DEFAULT_BUCKET)
    return followups.QueueFilters(bucket, enum_arg("kind", FollowUpKind, _("Unknown kind: choose one from the list.")))


def queue_page(refused: Refused | None = None):
    """The queue; a refused done form comes back in its place (or, gone from this list, as a message)."""
    filters = filters_arg()
    queue = followups.queue(filters, page_arg())
    forms = {f.id: form_in(refused, ("done", f.id)) or FollowUpDoneForm(formdata=None)
             for f in queue.follow_ups if not f.is_done}
    action_error = refused.elsewhere if refused else None
    if refused is not None and refused.slot[1] not in forms and action_error is None:
        action_error = _("Check what you typed: the follow-up is no longer in this list.")
    return render_template("followups/index.html", queue=queue, filters=filters, buckets=followups.BUCKETS,
                           kinds=list(FollowUpKind), done_forms=forms, action_error=action_error,
                           today=clock.today())


@bp.get("/follow-ups/")
@roles(*OFFICE)
def index():
    return queue_page()


class Done(OnPage):
    """From the queue (its filters in the URL) or the case page (back=case). A new case opened
    by the outcome opens; a visit to book opens the case at its booking form."""

    def __init__(self, follow_up, form: FollowUpDoneForm):
        super().__init__(case_page, follow_up.case_id, self._message, to=self._where)
        self.on_case = form.back.data == "case"

    @staticmethod
    def _message(result: followups.Completed | None) -> str:
        if result is not None and result.new_case is not None:
            return _("Follow-up done. New case %(number)s opened.", number=result.new_case.number)
        if result is not None and result.next_step is NextStep.VISIT:
            return _("Follow-up done. Book the visit here.")
        return _("Follow-up done.")

    def _where(self, result: followups.Completed | None) -> str:
        if result is not None and result.new_case is not None:
            return url_for("cases.show", case_id=result.new_case.id)
        if result is not None and result.next_step is NextStep.VISIT:
            return url_for("cases.show", case_id=self.record_id, _anchor="book")
        if self.on_case:
            return url_for("cases.show", case_id=self.record_id, _anchor="follow-ups")
        return url_for("followups.index", **filters_arg().as_args())

    def refusal(self, refused: Refused):
        if self.on_case:
            return super().refusal(refused)
        return queue_page(refused), refused.status


@bp.post("/follow-ups/<int:follow_up_id>/done")
@roles(*OFFICE)
def done(follow_up_id: int):
    follow_up = followups.get(follow_up_id) or abort(404)
    form = FollowUpDoneForm()
    return act(form, lambda: followups.complete(follow_up, form.outcome.data, current_user,
                                                NextStep(form.next_step.data)),
               Done(follow_up, form), ("done", follow_up_id))


@bp.post("/cases/<int:case_id>/follow-ups")
@roles(*OFFICE)
def add(case_id: int):
    case, form = load_case(case_id), FollowUpForm()
    return act(form, lambda: followups.add(case, FollowUpKind(form.kind.data), form.due_on.data, form.notes.data,
                                           current_user),
               OnPage(case_page, case_id, _("Follow-up planned."), anchor="follow-ups"), "follow-up")


def _case_section(case: Case, refused: Refused | None) -> dict:
    return {
        "follow_up_form": form_in(refused, "follow-up") or FollowUpForm(
            formdata=None, due_on=clock.today() + timedelta(days=1)),
        "follow_up_done_forms": {f.id: form_in(refused, ("done", f.id)) or FollowUpDoneForm(formdata=None, back="case")
                                 for f in case.follow_ups if not f.is_done},
    }


case_page.add(Section("follow-ups", "followups/_case.html", _case_section, order=80))
