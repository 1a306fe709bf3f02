"""Continuous improvement (process step 8): the corrective-action log, and the figure of each action
before and after the day it took effect.

The figure is the one the Reports page showed for the finding (services/dashboard.py):
- a fault code on a model: the share of the model's completed visits that picked the code (as a
  symptom or a cause);
- repeat visits: the share of completed visits (of the model, or of every model) on a product
  that had another completed visit within REPEAT_DAYS before;
- a low-rated aspect: the average score of that aspect (of the model's visits, or of all).
"Before" is the FIGURE_DAYS days before `started_on`; "after" the days since (FIGURE_DAYS at most),
both in the company's days. Each side says how many visits or ratings it rests on.

`figures()` answers for a whole list of actions with one statement per kind of finding (three at
most, whatever the list holds): each action's windows go in as a small table of literal rows,
joined to the visits in SQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import DateTime, Integer, String, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from fieldapp import clock
from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.models import (
    ASPECTS, OPEN_ACTION_STATUSES, ActionStatus, Asset, AuditEvent, Case, CorrectiveAction, FaultCode, FaultKind,
    FindingKind, ProductModel, Rating, User, Visit, VisitStatus,
)
from fieldapp.orm import UTCDateTime, utcnow
from fieldapp.services import audit
from fieldapp.services.complaints import office_staff
from fieldapp.services.dashboard import REPEAT_WINDOWS, _hours

FIGURE_DAYS = 90
REPEAT_DAYS = min(REPEAT_WINDOWS)  # "back within 30 days", as the Reports page counts it
PAGE_SIZE = 50  # also bounds the literal rows of one figures() statement
ON_DASHBOARD = 5
# Fault codes an action may name: those the Reports page ranks.
RANKED_KINDS = (FaultKind.SYMPTOM, FaultKind.CAUSE)
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)


# --- Recording and changing ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Values:
    """An action as the form gives it (forms/improvement.py)."""
    title: str
    kind: FindingKind
    product_model_id: int | None
    fault_code_id: int | None
    aspect: str | None
    owner_id: int
    due_on: date
    started_on: date | None
    notes: str | None


def get(action_id: int) -> CorrectiveAction | None:
    return db.session.get(CorrectiveAction, action_id, options=[
        joinedload(CorrectiveAction.product_model), joinedload(CorrectiveAction.fault_code),
        joinedload(CorrectiveAction.owner)])


def models() -> list[ProductModel]:
    return list(db.session.scalars(select(ProductModel).order_by(ProductModel.name, ProductModel.id)))


def fault_codes() -> list[FaultCode]:
    """The symptom and cause codes, deactivated ones too (a code is deactivated after the fix)."""
    return list(db.session.scalars(select(FaultCode).where(FaultCode.kind.in_(RANKED_KINDS))
                                   .order_by(FaultCode.code, FaultCode.id)))


def owners() -> list[User]:
    """Who may own an action: the office (active dispatchers and admins)."""
    return office_staff()


def record(values: Values, by: User) -> CorrectiveAction:
    """A new action, planned (in progress once it took effect, on or before today). Only what its
    kind of finding needs is kept: a fault code for a fault code, an aspect for an aspect."""
    kind = values.kind
    code_id = values.fault_code_id if kind in (FindingKind.FAULT_CODE, FindingKind.OTHER) else None
    aspect = values.aspect if kind in (FindingKind.LOW_ASPECT, FindingKind.OTHER) else None
    if kind is FindingKind.FAULT_CODE:
        _check_code_fits_model(values.product_model_id, code_id)
    started = values.started_on is not None and values.started_on <= clock.today()
    action = CorrectiveAction(
        title=values.title.strip(), kind=kind, product_model_id=values.product_model_id, fault_code_id=code_id,
        aspect=aspect or None, notes=(values.notes or "").strip() or None, owner_id=values.owner_id,
        due_on=values.due_on, started_on=values.started_on,
        status=ActionStatus.IN_PROGRESS if started else ActionStatus.PLANNED, created_by_id=by.id)
    db.session.add(action)
    db.session.flush()
    audit.record("corrective_action.recorded", action, {"kind": kind.value, "status": action.status.value}, user=by)
    return action


def _check_code_fits_model(model_id: int | None, code_id: int | None) -> None:
    model = db.session.get(ProductModel, model_id) if model_id else None
    code = db.session.get(FaultCode, code_id) if code_id else None
    if model is None:
        raise DomainError(_("Choose the model the fault code rises on."), "product_model_id", kind="invalid")
    if code is None or code.kind not in RANKED_KINDS:
        raise DomainError(_("Choose a symptom or cause code from the list."), "fault_code_id", kind="invalid")
    if code.category is not None and code.category != model.category:
        raise DomainError(_("%(code)s is not a code of %(model)s's category: choose one of its codes.",
                            code=code.code, model=model.name), "fault_code_id", kind="invalid")


def change_status(action: CorrectiveAction, status: ActionStatus, note: str | None, started_on: date | None,
                  by: User) -> CorrectiveAction:
    """Move the action to `status`, with a note (the history keeps both). Done or dropped closes it;
    under way or done without a day it took effect, it took effect today."""
    before = action.status
    note = (note or "").strip() or None
    if status is before and note is None and started_on in (None, action.started_on):
        raise DomainError(_("Nothing changes: choose another status, or write a note."), "status", kind="invalid")
    if started_on is not None:
        action.started_on = started_on
    if action.started_on is None and status in (ActionStatus.IN_PROGRESS, ActionStatus.DONE):
        action.started_on = clock.today()
    if status in CLOSED_STATUSES and before not in CLOSED_STATUSES:
        action.done_at = utcnow()
    elif status not in CLOSED_STATUSES:
        action.done_at = None
    action.status = status
    audit.record("corrective_action.status", action, {
        "from": before.value, "to": status.value, "note": note,
        "started_on": action.started_on.isoformat() if action.started_on else None}, user=by)
    db.session.flush()
    return action


@dataclass(frozen=True)
class Step:
    """One entry of an action's history."""
    at: datetime
    by: str | None
    recorded: bool  # the action was recorded (else its status changed)
    status: ActionStatus | None
    note: str | None


def history(action: CorrectiveAction) -> list[Step]:
    """When it was recorded and every status change with its note, oldest first (one query)."""
    rows = db.session.execute(
        select(AuditEvent.at, User.name, AuditEvent.action, AuditEvent.details)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.entity_type == CorrectiveAction.__tablename__, AuditEvent.entity_id == action.id,
               AuditEvent.action.in_(("corrective_action.recorded", "corrective_action.status")))
        .order_by(AuditEvent.at, AuditEvent.id))
    steps = []
    for at, name, what, details in rows:
        details = details or {}
        recorded = what == "corrective_action.recorded"
        steps.append(Step(at, name, recorded, _status(details.get("status" if recorded else "to")),
                          details.get("note")))
    return steps


def _status(value) -> ActionStatus | None:
    try:
        return ActionStatus(value)
    except ValueError:
        return None


# --- The log -------------------------------------------------------------------------------------------------

def _listed():
    return select(CorrectiveAction).options(
        joinedload(CorrectiveAction.product_model), joinedload(CorrectiveAction.fault_code),
        joinedload(CorrectiveAction.owner))


def log(page: int) -> tuple[list[CorrectiveAction], bool]:
    """One page of the log: open actions first, soonest due first; then closed ones, latest first.
    One query (a row more than the page shows says whether there is a next page)."""
    is_open = CorrectiveAction.status.in_(OPEN_ACTION_STATUSES)
    rows = db.session.scalars(
        _listed().order_by(case((is_open, 0), else_=1), case((is_open, CorrectiveAction.due_on)),
                           CorrectiveAction.done_at.desc(), CorrectiveAction.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def on_dashboard(limit: int = ON_DASHBOARD) -> list[CorrectiveAction]:
    """The actions that took effect most recently (those with a figure to compare), dropped ones left out."""
    return list(db.session.scalars(
        _listed().where(CorrectiveAction.started_on <= clock.today(), CorrectiveAction.status != ActionStatus.DROPPED)
        .order_by(CorrectiveAction.started_on.desc(), CorrectiveAction.id.desc()).limit(limit)))


# --- The figure before and after ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Side:
    """The figure on one side of the day: a share (0 to 1) or an average score, and what it rests on:
    `n` visits (or ratings), `hits` of them with the code or back again (None for a score)."""
    value: float | None
    n: int
    hits: int | None = None


@dataclass(frozen=True)
class Figure:
    measure: str  # "share" or "score"
    before: Side
    after: Side
    after_days: int  # days counted since the action took effect (0: not yet)

    @property
    def change(self) -> float | None:
        if self.before.value is None or self.after.value is None:
            return None
        return self.after.value - self.before.value


@dataclass(frozen=True)
class Window:
    """Instants: [before_start, split) is before, [split, after_end) after (empty until it began)."""
    before_start: datetime
    split: datetime
    after_end: datetime
    after_days: int


def window(started_on: date, today: date) -> Window:
    after_days = max(0, min(FIGURE_DAYS, (today - started_on).days + 1))
    split = clock.day_bounds(started_on)[0]
    return Window(clock.day_bounds(started_on - timedelta(days=FIGURE_DAYS))[0], split,
                  clock.day_bounds(started_on + timedelta(days=after_days))[0], after_days)


def figures(actions: list[CorrectiveAction]) -> dict[int, Figure]:
    """The figure of each action that has one (a kind with a figure, a day it took effect, the model
    a fault code needs), by action id. One statement per kind of finding in the list."""
    today = clock.today()
    wanted: dict[FindingKind, list[tuple[CorrectiveAction, Window]]] = {}
    for action in actions:
        if action.started_on is None or action.kind is FindingKind.OTHER:
            continue
        if action.kind is FindingKind.FAULT_CODE and (action.product_model_id is None or action.fault_code_id is None):
            continue
        wanted.setdefault(action.kind, []).append((action, window(action.started_on, today)))
    found: dict[int, Figure] = {}
    for kind, rows in wanted.items():
        windows = _windows(rows)
        counted = {FindingKind.FAULT_CODE: _fault_shares, FindingKind.REPEAT_VISITS: _repeat_shares,
                   FindingKind.LOW_ASPECT: _aspect_scores}[kind](windows, rows)
        measure = "score" if kind is FindingKind.LOW_ASPECT else "share"
        nothing = Side(None, 0, None if measure == "score" else 0)  # no visit on either side
        for action, span in rows:
            before, after = counted.get(action.id, (nothing, nothing))
            found[action.id] = Figure(measure, before, after, span.after_days)
    return found


def _typed(value: Any, type_):
    """A literal of a known type: PostgreSQL is told it (a NULL in a UNION has no type otherwise)."""
    bound = literal(value, type_)
    return cast(bound, type_) if db.session.get_bind().dialect.name == "postgresql" else bound


def _windows(rows: list[tuple[CorrectiveAction, Window]]):
    """The actions' windows as a small table: action_id, model_id, code_id, aspect, before_start,
    split, after_end (at most PAGE_SIZE literal rows)."""
    stamp = DateTime(timezone=True) if db.session.get_bind().dialect.name == "postgresql" else UTCDateTime()
    selects = [select(_typed(action.id, Integer()).label("action_id"),
                      _typed(action.product_model_id, Integer()).label("model_id"),
                      _typed(action.fault_code_id, Integer()).label("code_id"),
                      _typed(action.aspect, String(40)).label("aspect"),
                      _typed(span.before_start, stamp).label("before_start"),
                      _typed(span.split, stamp).label("split"),
                      _typed(span.after_end, stamp).label("after_end"))
               for action, span in rows]
    return (selects[0] if len(selects) == 1 else union_all(*selects)).subquery("windows")


def _sides(windows, moment):
    before = and_(moment >= windows.c.before_start, moment < windows.c.split)
    after = and_(moment >= windows.c.split, moment < windows.c.after_end)
    return before, after


def _count(condition):
    return func.count(case((condition, 1)))


def _share(hits: int, n: int) -> Side:
    return Side(hits / n if n else None, n, hits)


def _shares(statement) -> dict[int, tuple[Side, Side]]:
    return {action_id: (_share(hits_before, n_before), _share(hits_after, n_after))
            for action_id, n_before, hits_before, n_after, hits_after in db.session.execute(statement)}


def _fault_shares(windows, rows) -> dict[int, tuple[Side, Side]]:
    """Per action: the model's completed visits on each side, and those that picked the code."""
    before, after = _sides(windows, Visit.completed_at)
    picked = or_(Visit.symptom_code_id == windows.c.code_id, Visit.cause_code_id == windows.c.code_id)
    return _shares(
        select(windows.c.action_id, _count(before), _count(and_(before, picked)), _count(after),
               _count(and_(after, picked)))
        .select_from(windows)
        .join(Asset, Asset.product_model_id == windows.c.model_id)
        .join(Case, Case.asset_id == Asset.id)
        .join(Visit, and_(Visit.case_id == Case.id, Visit.status == VisitStatus.COMPLETED,
                          Visit.completed_at >= windows.c.before_start, Visit.completed_at < windows.c.after_end))
        .group_by(windows.c.action_id))


def _repeat_shares(windows, rows) -> dict[int, tuple[Side, Side]]:
    """Per action: completed visits (of its model, or all) on each side, and those on a product that
    had another completed visit within REPEAT_DAYS before (dashboard.repeat_visits' definition)."""
    first = min(span.before_start for _action, span in rows) - timedelta(days=REPEAT_DAYS)
    last = max(span.after_end for _action, span in rows)
    ordered = (select(Visit.completed_at.label("completed_at"), Asset.product_model_id.label("model_id"),
                      func.lag(Visit.completed_at).over(partition_by=Case.asset_id,
                                                        order_by=(Visit.completed_at, Visit.id)).label("previous"))
               .join(Case, Case.id == Visit.case_id).join(Asset, Asset.id == Case.asset_id)
               .where(Visit.status == VisitStatus.COMPLETED, Visit.completed_at >= first, Visit.completed_at < last)
               .subquery("ordered"))
    before, after = _sides(windows, ordered.c.completed_at)
    back = and_(ordered.c.previous.is_not(None),
                _hours(ordered.c.completed_at, ordered.c.previous) <= REPEAT_DAYS * 24)
    return _shares(
        select(windows.c.action_id, _count(before), _count(and_(before, back)), _count(after),
               _count(and_(after, back)))
        .select_from(windows)
        .join(ordered, and_(or_(windows.c.model_id.is_(None), ordered.c.model_id == windows.c.model_id),
                            ordered.c.completed_at >= windows.c.before_start,
                            ordered.c.completed_at < windows.c.after_end))
        .group_by(windows.c.action_id))


def _aspect_scores(windows, rows) -> dict[int, tuple[Side, Side]]:
    """Per action: the average score of its aspect on each side (ratings of the visits completed
    then, of its model or all), and how many ratings."""
    before, after = _sides(windows, Visit.completed_at)
    score = case({aspect: getattr(Rating, aspect) for aspect in ASPECTS}, value=windows.c.aspect)
    result = db.session.execute(
        select(windows.c.action_id, func.avg(case((before, score))), _count(before),
               func.avg(case((after, score))), _count(after))
        .select_from(windows)
        .join(Visit, and_(Visit.status == VisitStatus.COMPLETED, Visit.completed_at >= windows.c.before_start,
                          Visit.completed_at < windows.c.after_end))
        .join(Rating, Rating.visit_id == Visit.id)
        .join(Case, Case.id == Visit.case_id)
        .outerjoin(Asset, Asset.id == Case.asset_id)
        .where(or_(windows.c.model_id.is_(None), Asset.product_model_id == windows.c.model_id))
        .group_by(windows.c.action_id))
    return {action_id: (Side(_float(avg_before), n_before), Side(_float(avg_after), n_after))
            for action_id, avg_before, n_before, avg_after, n_after in result}


def _float(value) -> float | None:
    return None if value is None else float(value)
