"""The corrective-action log (/improvements/, process step 8): what the office does about a finding
on the Reports page, open actions first, each with its figure before and after the day it took
effect; recording one (pre-filled from the finding's link), and its page, where its status
changes with a note."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock
from fieldapp.forms.improvement import ActionStatusForm, CorrectiveActionForm
from fieldapp.models import ASPECTS, ActionStatus, CorrectiveAction, FindingKind
from fieldapp.services import improvement
from fieldapp.services.dashboard import ASPECT_LABELS
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.params import choice_arg, enum_arg, id_arg, page_arg
from fieldapp.web.sections import OnForm

bp = Blueprint("improvements", __name__, url_prefix="/improvements")
DUE_IN_DAYS = 30  # a new action's due date, until changed


@bp.get("/")
@roles(*OFFICE)
def index():
    page = page_arg()
    actions, more = improvement.log(page)
    return render_template("improvements/index.html", actions=actions, figures=improvement.figures(actions),
                           page=page, more=more, today=clock.today(), **_words())


def _words() -> dict:
    """What the figure's partial (improvements/_figure.html) names: its windows and the aspects."""
    return {"figure_days": improvement.FIGURE_DAYS, "repeat_days": improvement.REPEAT_DAYS,
            "aspect_labels": ASPECT_LABELS}


def _prefilled() -> CorrectiveActionForm:
    """A fresh form, with the finding of the Reports page's link: ?kind=, ?model_id=, ?code_id=, ?aspect=."""
    kind = enum_arg("kind", FindingKind, _("Unknown finding: follow a link from the Reports page."))
    return CorrectiveActionForm(
        formdata=None, kind=(kind or FindingKind.OTHER).value,
        product_model_id=id_arg("model_id", _("Unknown model: follow a link from the Reports page.")),
        fault_code_id=id_arg("code_id", _("Unknown fault code: follow a link from the Reports page.")),
        aspect=choice_arg("aspect", ("", *ASPECTS), _("Unknown aspect: follow a link from the Reports page.")),
        owner_id=current_user.id, due_on=clock.today() + timedelta(days=DUE_IN_DAYS))


def _form_page(form: CorrectiveActionForm, refused: Refused | None = None) -> str:
    form.set_choices(improvement.models(), improvement.fault_codes(), improvement.owners())
    return render_template("improvements/form.html", form=form, error=refused.elsewhere if refused else None)


@bp.route("/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new():
    if request.method == "GET":
        return _form_page(_prefilled())
    form = CorrectiveActionForm()
    form.set_choices(improvement.models(), improvement.fault_codes(), improvement.owners())
    return act(form, lambda: improvement.record(form.values(), current_user),
               OnForm(lambda action: url_for("improvements.show", action_id=action.id) if action
                      else url_for("improvements.index"),  # None: a double tap, recorded by the first
                      _("Corrective action recorded."), lambda refused: _form_page(form, refused)))


def _load(action_id: int) -> CorrectiveAction:
    return improvement.get(action_id) or abort(404)


def _page(action: CorrectiveAction, form: ActionStatusForm | None = None, refused: Refused | None = None) -> str:
    form = form or ActionStatusForm(formdata=None, status=_next_status(action).value)
    return render_template("improvements/show.html", action=action, form=form,
                           figure=improvement.figures([action]).get(action.id), history=improvement.history(action),
                           error=refused.elsewhere if refused else None, **_words())


def _next_status(action: CorrectiveAction) -> ActionStatus:
    """What the status form offers first: the step an action usually takes next."""
    return {ActionStatus.PLANNED: ActionStatus.IN_PROGRESS,
            ActionStatus.IN_PROGRESS: ActionStatus.DONE}.get(action.status, action.status)


@bp.get("/<int:action_id>")
@roles(*OFFICE)
def show(action_id: int):
    return _page(_load(action_id))


@bp.post("/<int:action_id>/status")
@roles(*OFFICE)
def set_status(action_id: int):
    action, form = _load(action_id), ActionStatusForm()
    return act(form, lambda: improvement.change_status(action, ActionStatus(form.status.data), form.note.data,
                                                       form.started_on.data, current_user),
               OnForm(url_for("improvements.show", action_id=action_id),
                      lambda changed: _("Status: %(status)s.", status=changed.status.label) if changed else None,
                      lambda refused: _page(_load(action_id), form, refused)))
