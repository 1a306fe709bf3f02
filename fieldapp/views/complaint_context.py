"""What the complaint queue and the case page's complaint section show, with their forms (fresh,
or the one just refused)."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from fieldapp.forms.complaints import ComplaintForm, ResolveComplaintForm, assign_form
from fieldapp.models import Case, User
from fieldapp.orm import utcnow
from fieldapp.params import page_arg, parse_id
from fieldapp.services import complaints


def filters_arg(staff: list[User]) -> complaints.QueueFilters:
    """?state= and ?owner= (mine, unassigned or someone in the office); anything else is a 400."""
    state = request.args.get("state", "") or "open"
    if state not in complaints.STATES:
        abort(400, "Unknown list: choose open, resolved or low ratings.")
    owner = request.args.get("owner", "")
    if owner and owner not in complaints.OWNER_CHOICES:
        wanted = parse_id(owner)
        if wanted is None or all(u.id != wanted for u in staff):
            abort(400, "Unknown owner: choose one from the list.")
    return complaints.QueueFilters(state, owner)


def _forms(open_complaints, staff: list[User], back: str, refused: tuple | None) -> dict:
    """Assign and resolve forms per open complaint (one nobody handles yet is offered to the
    signed-in user); `refused`: (id, "assign" | "resolve", form)."""
    forms = {c.id: {"assign": assign_form(staff, formdata=None, owner_id=c.owner_id or current_user.id, back=back),
                    "resolve": ResolveComplaintForm(formdata=None, back=back)} for c in open_complaints}
    if refused is not None and refused[0] in forms:
        forms[refused[0]][refused[1]] = refused[2]
    return forms


def queue_context(refused: tuple | None = None, action_error: str | None = None) -> dict:
    staff = complaints.office_staff()
    filters = filters_arg(staff)
    page = complaints.queue(filters, current_user, page_arg())
    open_rows = [c for c in page.rows if filters.state == "open"]
    forms = _forms(open_rows, staff, "queue", refused)
    if refused is not None and refused[0] not in forms and action_error is None:
        action_error = "That complaint is no longer in this list."
    return {"queue": page, "filters": filters, "states": complaints.STATES, "staff": staff,
            "owner_choices": complaints.OWNER_CHOICES, "complaint_forms": forms,
            "refused_id": refused[0] if refused else None, "action_error": action_error, "now": utcnow()}


def case_forms(case: Case) -> dict:
    """The case page's complaint forms (case_context overrides them with a refused one)."""
    open_complaints = [c for c in case.complaints if c.is_open]
    staff = complaints.office_staff() if open_complaints else []
    return {"complaint_form": ComplaintForm(formdata=None),
            "complaint_forms": _forms(open_complaints, staff, "case", None),
            "complaint_refused": None}
