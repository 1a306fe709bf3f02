"""The After-Sale Services Report of a case: the page (printable), the PDF and sending it by email."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import languages
from fieldapp.extensions import db
from fieldapp.forms.reports import EmailReportForm
from fieldapp.models import MailStatus
from fieldapp.documents import report as report_document
from fieldapp.services import report_mail, reports
from fieldapp.web.actions import act
from fieldapp.web.auth import OFFICE, roles
from fieldapp.web.downloads import content_disposition
from fieldapp.web.sections import OnForm

bp = Blueprint("reports", __name__, url_prefix="/cases")


def _case(case_id: int):
    return reports.load_case(case_id) or abort(404)


def _page(case, form: EmailReportForm | None = None) -> str:
    report = reports.build(case)
    form = form or EmailReportForm(formdata=None, to=report_mail.recipient(case))
    return render_template("reports/page.html", report=report, case_id=case.id, aspects=reports.ASPECT_ORDER,
                           form=form)


@bp.get("/<int:case_id>/report")
@roles(*OFFICE)
def show(case_id: int):
    return _page(_case(case_id))


@bp.get("/<int:case_id>/report.pdf")
@roles(*OFFICE)
def pdf(case_id: int):
    """The PDF is for the customer: written in their language (the page is in the reader's)."""
    case = _case(case_id)
    with languages.for_customer(case.customer):
        report = reports.build(case)
        data, name = report_document.render_pdf(report), report_document.filename(report)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _queued(queued) -> str:
    """The mail was tried right after the commit (web/actions.py): say how it went."""
    db.session.refresh(queued)
    if queued.status is MailStatus.SENT:
        return _("Report sent to %(address)s.", address=queued.to_address)
    return _("Report queued for %(address)s: it will be retried until it goes.", address=queued.to_address)


@bp.post("/<int:case_id>/report/email")
@roles(*OFFICE)
def email(case_id: int):
    case, form = _case(case_id), EmailReportForm()
    return act(form, lambda: report_mail.email(case, form.to.data, form.note.data, current_user),
               OnForm(url_for("reports.show", case_id=case_id), _queued, lambda refused: _page(_case(case_id), form)))
