"""Renewal calls: coverage ending soon (or just ended), each with the call's outcome."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.forms.coverage import RenewalCallForm
from fieldapp.models import Coverage, RenewalOutcome
from fieldapp.services import coverage, settings
from fieldapp.views.coverage import bp
from fieldapp.web.actions import Refused, act, form_in
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.params import page_arg
from fieldapp.web.sections import OnForm


def _renewals_page(refused: Refused | None = None) -> str:
    notice = settings.current().renewal_notice_days
    today = clock.today()
    listed = coverage.renewals(today, notice, page_arg())
    forms = {c.id: form_in(refused, ("call", c.id)) or RenewalCallForm(
        formdata=None, outcome=c.renewal_outcome.value if c.renewal_outcome else "", note=c.renewal_note)
             for c in listed.rows}
    return render_template("coverage/renewals.html", listed=listed, forms=forms, notice=notice, today=today,
                           grace=coverage.RENEWAL_GRACE_DAYS)


@bp.get("/coverage/renewals")
@roles(*OFFICE)
def renewals():
    return _renewals_page()


def _after_call(call: Coverage) -> str:
    if call.renewal_outcome is RenewalOutcome.RENEWED:
        return url_for("public.asset", token=call.asset.qr_token, _anchor="sell-plan")
    return url_for("coverage.renewals", _anchor=f"renewal-{call.id}")


def _call_message(call: Coverage) -> str:
    serial = call.asset.serial_number
    if call.renewal_outcome is RenewalOutcome.RENEWED:
        return _("Renewal recorded for %(serial)s: sell the new plan below.", serial=serial)
    if call.renewal_outcome is RenewalOutcome.DECLINED:
        return _("Call recorded for %(serial)s: declined.", serial=serial)
    return _("Call recorded for %(serial)s: no answer, call again.", serial=serial)


@bp.post("/coverage/renewals/<int:coverage_id>/call")
@roles(*OFFICE)
def record_call(coverage_id: int):
    covered = db.session.get(Coverage, coverage_id) or abort(404)
    form = RenewalCallForm()
    return act(form, lambda: coverage.record_call(covered, RenewalOutcome(form.outcome.data), form.note.data,
                                                  current_user),
               OnForm(_after_call, _call_message, _renewals_page), ("call", coverage_id))
