"""The outbox (/mail/): email waiting to go out, given up on, or sent, with the error of the last
try; "Retry now" for what has not gone out. Also sends, after each request, the mail that
request committed (see services/mail.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.extensions import db
from fieldapp.forms import ActionForm
from fieldapp.htmx import see_other
from fieldapp.models import MailStatus, OutboundMail
from fieldapp.params import page_arg
from fieldapp.services import mail
from fieldapp.views.writes import Refusal, perform

bp = Blueprint("mail", __name__, url_prefix="/mail")

TABS = (MailStatus.FAILED, MailStatus.PENDING, MailStatus.SENT)


@bp.after_app_request
def send_committed_mail(response):
    mail.send_committed()
    return response


def _status_arg(counts: dict[MailStatus, int]) -> MailStatus:
    """?status=...; without one, what failed when anything did, else what is waiting."""
    raw = request.args.get("status", "")
    if not raw:
        return MailStatus.FAILED if counts[MailStatus.FAILED] else MailStatus.PENDING
    try:
        return MailStatus(raw)
    except ValueError:
        abort(400, "Unknown status: choose failed, pending or sent.")


def _outbox(status: int = 200):
    counts = mail.counts()
    shown = _status_arg(counts)
    page = page_arg()
    return render_template("mail/index.html", shown=shown, tabs=TABS, counts=counts,
                           outbox=mail.outbox(shown, page, counts[shown]), form=ActionForm(formdata=None)), status


@bp.get("/")
@roles(*OFFICE)
def index():
    return _outbox()


@bp.post("/<int:mail_id>/retry")
@roles(*OFFICE)
def retry(mail_id: int):
    outgoing = db.session.get(OutboundMail, mail_id) or abort(404)
    form = ActionForm()

    def done(_):
        mail.send_committed()  # now, to say how it went (the after-request hook then has nothing left)
        db.session.refresh(outgoing)
        if outgoing.status is MailStatus.SENT:
            flash(f"Sent “{outgoing.subject}” to {outgoing.to_address}.", "success")
        else:
            flash(f"“{outgoing.subject}” is not sent yet: {outgoing.last_error or 'waiting'}. "
                  "It is tried again automatically.", "error")
        return see_other(url_for("mail.index", status=outgoing.status.value))

    def refused(refusal: Refusal):
        flash(refusal.message, "error")
        return _outbox(refusal.status)

    return perform(form, lambda: mail.retry(outgoing, current_user), done, refused)
