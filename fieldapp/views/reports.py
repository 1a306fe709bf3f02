"""The After-Sale Services Report of a case: the page (printable), the PDF and sending it by email."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, url_for
from flask_login import current_user

from fieldapp.auth import OFFICE, roles
from fieldapp.downloads import content_disposition
from fieldapp.forms.reports import EmailReportForm
from fieldapp.htmx import see_other
from fieldapp.services import mail, report_documents, reports
from fieldapp.views.writes import perform

bp = Blueprint("reports", __name__, url_prefix="/cases")


def _case(case_id: int):
    case = reports.load_case(case_id)
    if case is None:
        abort(404)
    return case


def _page(case, form: EmailReportForm | None = None, status: int = 200):
    report = reports.build(case)
    form = form or EmailReportForm(formdata=None, to=report_documents.recipient(case))
    return render_template("reports/page.html", report=report, case_id=case.id, aspects=reports.ASPECT_ORDER,
                           form=form), status


@bp.get("/<int:case_id>/report")
@roles(*OFFICE)
def show(case_id: int):
    return _page(_case(case_id))


@bp.get("/<int:case_id>/report.pdf")
@roles(*OFFICE)
def pdf(case_id: int):
    report = reports.build(_case(case_id))
    response = Response(report_documents.render_pdf(report), mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(report_documents.filename(report))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:case_id>/report/email")
@roles(*OFFICE)
def email(case_id: int):
    case = _case(case_id)
    form = EmailReportForm()

    def done(queued):
        mail.send_committed()
        flash(f"Report sent to {queued.to_address}." if queued.status.value == "sent" else
              f"Report queued for {queued.to_address}: it will be retried until it goes.", "success")
        return see_other(url_for("reports.show", case_id=case_id))

    return perform(form, lambda: report_documents.email(case, form.to.data, form.note.data, current_user),
                   done, lambda refusal: _page(_case(case_id), form, refusal.status))
