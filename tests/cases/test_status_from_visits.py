"""A case's status follows from all its visits together: every combination of completed (resolved
or not), could-not-complete, cancelled and still planned visits, and the flows that used to leave
a resolved case in progress or send it back to the queue."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import product
from types import SimpleNamespace

import pytest

from fieldapp.models import Case, CaseStatus, Outcome, Role, VisitStatus
from fieldapp.services.lifecycle import status_from_visits
from tests.conftest import cid, load_row

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)

# The kinds of visit a case can hold, as the rule sees them.
KINDS = {
    "resolved": (VisitStatus.COMPLETED, Outcome.RESOLVED),
    "not resolved": (VisitStatus.COMPLETED, Outcome.NOT_RESOLVED),
    "could not complete": (VisitStatus.NOT_COMPLETED, None),
    "cancelled": (VisitStatus.CANCELLED, None),
    "scheduled": (VisitStatus.SCHEDULED, None),
    "on site": (VisitStatus.ON_SITE, None),
}


def visits(*kinds: str) -> list:
    """Visits in the order they ended (or were planned), an hour apart."""
    return [SimpleNamespace(id=n, status=KINDS[kind][0], outcome=KINDS[kind][1],
                            completed_at=T0 + timedelta(hours=n) if KINDS[kind][0].is_finished else None)
            for n, kind in enumerate(kinds, start=1)]


def expected(kinds: tuple[str, ...]) -> CaseStatus:
    """The rule, spelled out independently of the code under test."""
    if "on site" in kinds:
        return CaseStatus.IN_PROGRESS
    if "scheduled" in kinds:
        return CaseStatus.SCHEDULED
    ended = [k for k in kinds if k in ("resolved", "not resolved", "could not complete")]
    return CaseStatus.RESOLVED if ended and ended[-1] == "resolved" else CaseStatus.VISIT_NEEDED


@pytest.mark.parametrize("kinds", [combo for n in (1, 2, 3) for combo in product(KINDS, repeat=n)],
                         ids=lambda kinds: " then ".join(kinds))
def test_every_combination_of_visits(kinds):
    assert status_from_visits(visits(*kinds)) is expected(kinds)


def test_no_visits_at_all_means_a_visit_is_needed():
    assert status_from_visits([]) is CaseStatus.VISIT_NEEDED


# --- Through the screens ------------------------------------------------------------------------------

def complete(client, visit_id: int, outcome: Outcome = Outcome.RESOLVED):
    for name, data in (("outcome", {"outcome": outcome.value}), ("actions_taken", {"actions_taken": "Replaced the pump."})):
        assert client.post(f"/visits/{visit_id}/fields/{name}", data={**data, "client_id": cid()}).status_code == 303
    assert client.post(f"/visits/{visit_id}/complete", data={"client_id": cid()}).status_code == 303


def test_a_resolving_visit_with_another_still_planned_then_cancelling_that_one_resolves_the_case(app, client, auth,
                                                                                                  make):
    tech = auth.as_role(Role.TECHNICIAN)
    case = make.case(status=CaseStatus.IN_PROGRESS)
    first = make.visit(technician=tech, case=case, status=VisitStatus.ON_SITE, arrived_at=T0)
    second = make.visit(technician=make.user(Role.TECHNICIAN), case=case, start=datetime.now(timezone.utc) + timedelta(days=2))

    complete(client, first.id)
    assert load_row(app, Case, case.id).status is CaseStatus.SCHEDULED  # the second is still planned
    page_row = load_row(app, Case, case.id)
    assert page_row.needs_attention  # the office is asked whether the second is still needed

    auth.logout()
    auth.as_role(Role.DISPATCHER)
    response = client.post(f"/cases/{case.id}/visits/{second.id}/cancel", data={"reason": "No longer needed."})
    assert response.status_code == 303
    resolved = load_row(app, Case, case.id)
    assert resolved.status is CaseStatus.RESOLVED and resolved.resolution_summary == "Replaced the pump."


def test_a_visit_that_did_not_resolve_it_sends_the_case_back_to_the_queue(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    case = make.case(status=CaseStatus.IN_PROGRESS)
    visit = make.visit(technician=tech, case=case, status=VisitStatus.ON_SITE, arrived_at=T0)
    complete(client, visit.id, Outcome.NOT_RESOLVED)
    assert load_row(app, Case, case.id).status is CaseStatus.VISIT_NEEDED
