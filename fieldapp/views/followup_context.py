"""What the follow-up queue and the case page's follow-up section show, with their forms (fresh,
or the one just refused)."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, request

from fieldapp.forms.followups import FollowUpDoneForm, FollowUpForm
from fieldapp.models import Case, FollowUpKind
from fieldapp.params import page_arg
from fieldapp.services import followups, schedule


def filters_arg() -> followups.QueueFilters:
    """?bucket= and ?kind=; anything not on the page's tabs and list is a 400."""
    bucket = request.args.get("bucket", "") or followups.DEFAULT_BUCKET
    if bucket not in followups.BUCKETS:
        abort(400, "Unknown list: choose overdue, today, upcoming or done.")
    raw = request.args.get("kind", "")
    try:
        kind = FollowUpKind(raw) if raw else None
    except ValueError:
        abort(400, "Unknown kind: choose one from the list.")
    return followups.QueueFilters(bucket, kind)


def queue_context(refused: tuple | None = None, action_error: str | None = None) -> dict:
    """The queue page; `refused`: (follow-up id, the submitted form) shown in place of its fresh one."""
    filters = filters_arg()
    page = followups.queue(filters, page_arg())
    forms = {f.id: FollowUpDoneForm(formdata=None) for f in page.follow_ups if not f.is_done}
    if refused is not None and refused[0] in forms:
        forms[refused[0]] = refused[1]
    elif refused is not None and action_error is None:
        action_error = "Check what you typed: the follow-up is no longer in this list."
    return {"queue": page, "filters": filters, "buckets": followups.BUCKETS, "kinds": list(FollowUpKind),
            "done_forms": forms, "refused_id": refused[0] if refused else None, "action_error": action_error,
            "today": schedule.today()}


def case_forms(case: Case) -> dict:
    """The case page's follow-up forms (case_context overrides them with a refused one)."""
    return {
        "follow_up_form": FollowUpForm(formdata=None, due_on=schedule.today() + timedelta(days=1)),
        "follow_up_done_forms": {f.id: FollowUpDoneForm(formdata=None, back="case")
                                 for f in case.follow_ups if not f.is_done},
        "follow_up_refused": None,  # (follow-up id, form)
    }
