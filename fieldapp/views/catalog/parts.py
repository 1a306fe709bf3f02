"""The parts catalog: what technicians can add to a visit, with its price; parts no longer
offered are kept (the visits that used them still show them)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import money
from fieldapp.forms import ActionForm
from fieldapp.forms.catalog import NewPartForm, PartForm
from fieldapp.models import Part
from fieldapp.services import catalog
from fieldapp.views.catalog import bp
from fieldapp.views.catalog.models import QUERY_MAX, pages
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.params import choice_arg, page_arg, text_arg
from fieldapp.web.sections import OnForm


def load_part(part_id: int) -> Part:
    return catalog.get_part(part_id) or abort(404)


@bp.get("/parts")
@roles(*OFFICE)
def parts():
    query, page = text_arg("q", QUERY_MAX), page_arg()
    status = choice_arg("status", catalog.PART_STATUSES, _("Show active, inactive or all parts."), "active")
    rows, total = catalog.search_parts(query, status, page)
    return render_template("catalog/parts.html", rows=rows, total=total, query=query, status=status, page=page,
                           pages=pages(total), action_form=ActionForm(formdata=None))


def _part_form(found: Part) -> PartForm:
    return PartForm(obj=found, unit_price=money.as_input(found.unit_price_cents))


def _part_page(form, refused: Refused | None = None, part: Part | None = None) -> str:
    uses = catalog.part_uses(part) if part is not None else 0
    return render_template("catalog/part.html", form=form, part=part, uses=uses, action_form=ActionForm(formdata=None),
                           error=refused.elsewhere if refused else None)


@bp.route("/parts/new", methods=["GET", "POST"])
@roles(*OFFICE)
def new_part():
    form = NewPartForm()
    if request.method == "GET":
        return _part_page(form)

    def listed(part) -> str:  # None after a double tap: the first one created it
        return url_for("catalog.parts", q=part.sku if part else form.sku.data, status="all")

    return act(form, lambda: catalog.create_part(form.values(), current_user),
               OnForm(listed, lambda part: part and _("%(sku)s %(name)s added.", sku=part.sku, name=part.name),
                      lambda refused: _part_page(form, refused)))


@bp.route("/parts/<int:part_id>", methods=["GET", "POST"])
@roles(*OFFICE)
def part(part_id: int):
    found = load_part(part_id)
    if request.method == "GET":
        return _part_page(_part_form(found), part=found)
    form = PartForm()  # a POST carries every field
    return act(form, lambda: catalog.update_part(found, form.values(), current_user),
               OnForm(url_for("catalog.parts", q=found.sku, status="all"), _("%(sku)s saved.", sku=found.sku),
                      lambda refused: _part_page(form, refused, load_part(part_id))))


@bp.post("/parts/<int:part_id>/deactivate")
@roles(*OFFICE)
def deactivate_part(part_id: int):
    return _set_active(load_part(part_id), False)


@bp.post("/parts/<int:part_id>/reactivate")
@roles(*OFFICE)
def reactivate_part(part_id: int):
    return _set_active(load_part(part_id), True)


def _set_active(found: Part, active: bool):
    return act(ActionForm(), lambda: catalog.set_part_active(found, active, current_user),
               OnForm(_back_to_parts(),
                      _("%(sku)s is active again.", sku=found.sku) if active else
                      _("%(sku)s is no longer offered to technicians.", sku=found.sku),
                      lambda refused: _part_page(_part_form(found), refused, found)))


def _back_to_parts() -> str:
    """The parts list (its search and page) or part page the button was on; else the list."""
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc == request.host and came_from.path.startswith(url_for("catalog.parts")):
        return came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return url_for("catalog.parts")
