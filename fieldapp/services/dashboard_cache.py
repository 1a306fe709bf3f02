"""Where the Reports page gets its report: kept by this process, stored ahead, or computed now.

At a million visits the figures of a period cost seconds of aggregates (a year of them, half a
minute). So each process keeps a report it computed for DASHBOARD_CACHE_SECONDS; and `flask
refresh-reports` (cron, every five minutes) computes the preset periods ahead and stores them,
each as often as its length deserves (REFRESH_EVERY), and every process shows a stored one until
it is three times that old. Only another period, or none stored, is computed when asked. The
page always says when its figures were computed.

Stored as JSON through a closed list of the report's own types: reading one back never builds
anything else.
"""
from __future__ import annotations

import dataclasses
import enum
import json
import time
from datetime import date, datetime, timedelta

from flask import current_app

from fieldapp.extensions import db
from fieldapp.models import DashboardSnapshot, FaultKind, Priority
from fieldapp.orm import utcnow
from fieldapp.services import dashboard

TYPES = {cls.__name__: cls for cls in (
    dashboard.Report, dashboard.Period, dashboard.Pair, dashboard.Row, dashboard.TrendPoint, dashboard.ServiceTimes,
    dashboard.RepeatVisits, dashboard.PartRow, dashboard.FaultRow, dashboard.Costs, dashboard.Complaints,
    dashboard.FollowUps)}
ENUMS = {cls.__name__: cls for cls in (Priority, FaultKind)}


def encode(value):
    if dataclasses.is_dataclass(value):
        return {"@": type(value).__name__,
                **{f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, enum.Enum):
        return {"@enum": type(value).__name__, "value": value.value}
    if isinstance(value, date):
        return {"@date": value.isoformat()}
    if isinstance(value, dict):
        return {"@dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    return value  # str, int, float, bool, None


def decode(value):
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "@date" in value:
        return date.fromisoformat(value["@date"])
    if "@enum" in value:
        return ENUMS[value["@enum"]](value["value"])
    if "@dict" in value:
        return {decode(k): decode(v) for k, v in value["@dict"]}
    cls = TYPES[value["@"]]
    return cls(**{name: decode(item) for name, item in value.items() if name != "@"})


# How often each preset is computed ahead; a stored one is shown until three times that old.
REFRESH_EVERY = {"last_30_days": timedelta(minutes=5), "this_quarter": timedelta(hours=1),
                 "last_12_months": timedelta(days=1)}
SHOWN_FOR = 3
EARLY = timedelta(minutes=1)  # a cron run a little early still refreshes


def store(period: dashboard.Period, every: timedelta) -> None:
    """Compute the period's report now and keep it (replacing the one kept before)."""
    data = json.dumps(encode(dashboard.report(period)), separators=(",", ":"))
    row = db.session.get(DashboardSnapshot, (period.first, period.last))
    if row is None:
        row = DashboardSnapshot(first_day=period.first, last_day=period.last)
        db.session.add(row)
    now = utcnow()
    row.computed_at, row.good_until, row.data = now, now + SHOWN_FOR * every, data


def refresh_presets(today: date, force: bool = False) -> int:
    """Store the preset periods as of `today` that are due (all with `force`), and forget those
    of earlier days. Returns how many were computed."""
    computed = 0
    for name, every in REFRESH_EVERY.items():
        period = dashboard.preset(name, today)
        row = db.session.get(DashboardSnapshot, (period.first, period.last))
        if force or row is None or utcnow() - row.computed_at >= every - EARLY:
            store(period, every)
            computed += 1
    db.session.execute(db.delete(DashboardSnapshot).where(DashboardSnapshot.last_day < today))
    return computed


def fresh(period: dashboard.Period) -> tuple[dashboard.Report, datetime] | None:
    """The stored report for exactly this period, while it is shown."""
    row = db.session.get(DashboardSnapshot, (period.first, period.last))
    if row is None or utcnow() >= row.good_until:
        return None
    return decode(json.loads(row.data)), row.computed_at


# Per process: (app, first, last) -> (monotonic time, computed_at, report).
_kept: dict[tuple, tuple[float, datetime, dashboard.Report]] = {}
KEPT_ENTRIES = 32


def report_for(period: dashboard.Period) -> tuple[dashboard.Report, datetime]:
    """The period's report and when it was computed."""
    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    key = (id(current_app._get_current_object()), period.first, period.last)
    now = time.monotonic()
    kept = _kept.get(key)
    if kept and now - kept[0] < seconds:
        return kept[2], kept[1]
    found = fresh(period) or (dashboard.report(period), utcnow())
    if seconds > 0:
        for old in [k for k, (at, _, _) in _kept.items() if now - at >= seconds]:
            del _kept[old]
        if len(_kept) >= KEPT_ENTRIES:  # the oldest goes
            del _kept[next(iter(_kept))]
        _kept[key] = (now, found[1], found[0])
    return found
