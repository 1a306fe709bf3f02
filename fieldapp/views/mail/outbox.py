"""The outbox (/mail/): email waiting to go out, given up on, or sent, with the error of the last
try; "Retry now" for what has not gone out."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.models import MailStatus, OutboundMail
from fieldapp.services import mail, outbox
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.htmx import see_other
from fieldapp.web.params import enum_arg, page_arg

bp = Blueprint("mail", __name__, url_prefix="/mail")

TABS = (MailStatus.FAILED, MailStatus.PENDING, MailStatus.SENT)


def _outbox_page() -> str:
    counts = outbox.counts()
    # Without ?status=, what failed when anything did, else what is waiting.
    shown = (enum_arg("status", MailStatus, _("Unknown status: choose failed, pending or sent."))
             or (MailStatus.FAILED if counts[MailStatus.FAILED] else MailStatus.PENDING))
    return render_template("mail/index.html", shown=shown, tabs=TABS, counts=counts,
                           outbox=outbox.outbox(shown, page_arg(), counts[shown]), form=ActionForm(formdata=None))


@bp.get("/")
@roles(*OFFICE)
def index():
    return _outbox_page()


class Retried:
    """Says how the try went: the mail was sent right after the commit (web/actions.py)."""

    def __init__(self, outgoing: OutboundMail):
        self.outgoing = outgoing

    def success(self, _result):
        outgoing = self.outgoing
        db.session.refresh(outgoing)
        if outgoing.status is MailStatus.SENT:
            flash(_("Sent “%(subject)s” to %(address)s.", subject=outgoing.subject, address=outgoing.to_address),
                  "success")
        elif outgoing.last_error:
            flash(_("“%(subject)s” is not sent yet: %(error)s. It is tried again automatically.",
                    subject=outgoing.subject, error=outgoing.last_error), "error")
        else:
            flash(_("“%(subject)s” is not sent yet: waiting. It is tried again automatically.",
                    subject=outgoing.subject), "error")
        return see_other(url_for("mail.index", status=outgoing.status.value))

    def refusal(self, refused: Refused):
        flash(refused.message, "error")
        return _outbox_page(), refused.status


@bp.post("/<int:mail_id>/retry")
@roles(*OFFICE)
def retry(mail_id: int):
    outgoing = db.session.get(OutboundMail, mail_id) or abort(404)
    return act(ActionForm(), lambda: mail.retry(outgoing, current_user), Retried(outgoing))
