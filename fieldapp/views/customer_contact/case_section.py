"""On the case page: "The customer's links" (status page, visit answers, survey: each revocable)
and the customer's messages from the status page, with their photos (office staff only)."""
from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.models import Case, CaseMessage, CustomerLink
from fieldapp.services import customer_answers, customer_links, photos
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.downloads import content_disposition
from fieldapp.web.loaders import load_case
from fieldapp.web.sections import OnPage, Section, page

bp = Blueprint("customer_contact", __name__, url_prefix="/cases")
case_page = page("case")


def _section(case: Case, refused: Refused | None) -> dict:
    return {"customer_links": customer_links.live_for_case(case), "link_url": customer_links.url,
            "customer_messages": customer_answers.messages_for(case.id), "revoke_form": ActionForm(formdata=None)}


case_page.add(Section("customer-contact", "customer_contact/_case.html", _section, order=45))


@bp.post("/<int:case_id>/links/<int:link_id>/revoke")
@roles(*OFFICE)
def revoke(case_id: int, link_id: int):
    case, form = load_case(case_id), ActionForm()
    link = db.session.get(CustomerLink, link_id)
    if link is None or link.case_id != case.id:
        abort(404)
    return act(form, lambda: customer_links.revoke(link, current_user),
               OnPage(case_page, case_id, _("The link no longer works."), anchor="customer-contact"),
               "customer-contact")


@bp.get("/<int:case_id>/customer-messages/<int:message_id>/photo", defaults={"thumbnail": False})
@bp.get("/<int:case_id>/customer-messages/<int:message_id>/photo/thumb", defaults={"thumbnail": True})
@roles(*OFFICE)
def photo(case_id: int, message_id: int, thumbnail: bool):
    case = load_case(case_id)
    message = db.session.get(CaseMessage, message_id)
    if message is None or message.case_id != case.id or not message.photo_name:
        abort(404)
    path = photos.upload_folder("messages") / (message.thumb_name if thumbnail else message.photo_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", conditional=True)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = content_disposition(f"case-{case_id}-message-{message_id}.jpg")
    return response
