"""Languages in reports and exports: a CSV's header row follows the reader's language (its values
stay machine-readable), ?keys=1 gives fixed column keys; the report page is in the reader's
language, while the PDF and the mailed report speak the customer's."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from fieldapp import languages
from fieldapp.extensions import db
from fieldapp.models import Case, CaseStatus, Customer, OutboundMail, Role, VisitStatus
from fieldapp.services import exports
from tests.conftest import Auth, Factory, csrf_token_from

# A few German words, in a catalog of the test's own: the test does not wait for the translators.
GERMAN = {
    "Case number": "Fallnummer",
    "Opened at": "Eröffnet am",
    "Customer": "Kunde",
    "Labour": "Arbeitszeit",
    "After-Sale Services Report": "Kundendienstbericht",
    "After-Sale Services Report %(number)s · %(company)s": "Kundendienstbericht %(number)s · %(company)s",
    "Dear %(name)s,": "Guten Tag %(name)s,",
    "Kind regards,": "Mit freundlichen Grüßen",
    "1. Customer Details": "1. Kundendaten",
}


def write_catalog(folder, code: str, entries: dict[str, str]) -> str:
    catalog = Catalog(locale=code)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr, flags=("python-format",) if "%(" in msgid else ())
    target = folder / code / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        write_po(out, catalog)
    return str(folder)


@pytest.fixture
def app(new_app, tmp_path):
    """The shipped catalogs, then the test's German words on top."""
    extra = write_catalog(tmp_path / "catalogs", "de", GERMAN)
    return new_app(BABEL_TRANSLATION_DIRECTORIES=f"{languages.TRANSLATIONS};{extra}")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def january_case(make):
    """A case opened and a visit costed in January 2026."""
    technician = make.user(Role.TECHNICIAN, name="Tess Tech")
    case = make.case(created_at=utc(2026, 1, 10, 8), status=CaseStatus.CLOSED, closed_on=date(2026, 1, 16))
    make.visit(technician, case, start=utc(2026, 1, 15, 9), status=VisitStatus.COMPLETED,
               completed_at=utc(2026, 1, 15, 10), labour_cents=1250, total_cents=1250, billable_cents=1250)
    return case


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}


def test_a_german_reader_gets_german_headers_and_the_same_machine_readable_values(client, auth, january_case):
    auth.as_role(Role.DISPATCHER, language="de")

    header, row = rows_of(client.get("/exports/cases.csv", query_string=JANUARY))
    assert header[:2] == ["Fallnummer", "Eröffnet am"] and "Kunde" in header
    assert "Case number" not in header
    assert row[0] == january_case.number and row[1] == "2026-01-10T09:00:00+01:00"  # ISO, not a German date

    header, row = rows_of(client.get("/exports/visits.csv", query_string=JANUARY))
    assert row[header.index("Arbeitszeit")] == "12.50"  # not 12,50


def test_keys_1_gives_the_fixed_column_keys_in_any_language(client, auth, january_case):
    auth.as_role(Role.DISPATCHER, language="de")

    for kind, export in exports.EXPORTS.items():
        header, *_rows = rows_of(client.get(f"/exports/{kind}.csv", query_string={**JANUARY, "keys": "1"}))
        assert tuple(header) == export.keys
    header, row = rows_of(client.get("/exports/cases.csv", query_string={**JANUARY, "keys": "1"}))
    assert header[:3] == ["case_number", "opened_at", "channel"]
    assert dict(zip(header, row))["case_number"] == january_case.number
    assert dict(zip(header, row))["status"] == "closed"  # the stored value, not a label
    visits = rows_of(client.get("/exports/visits.csv", query_string={**JANUARY, "keys": "1"}))
    assert dict(zip(*visits))["labour"] == "12.50"


def test_every_export_has_one_key_per_column_and_they_read_like_keys():
    for export in exports.EXPORTS.values():
        assert len(export.keys) == len(export.header) == len(set(export.keys))
        assert all(key.isidentifier() and key == key.lower() for key in export.keys)


def test_without_keys_an_english_reader_gets_the_english_header_and_a_bad_keys_value_is_a_400(
        client, auth, january_case):
    auth.as_role(Role.DISPATCHER)
    header, _row = rows_of(client.get("/exports/cases.csv", query_string=JANUARY))
    assert header[0] == "Case number"
    refused = client.get("/exports/cases.csv", query_string={**JANUARY, "keys": "please"})
    assert refused.status_code == 400 and "keys option" in refused.get_data(as_text=True)


def test_the_exports_page_explains_the_keys_parameter(client, auth):
    auth.as_role(Role.DISPATCHER)
    page = client.get("/exports/").get_data(as_text=True)
    assert "<code>keys=1</code>" in page and "<code>case_number</code>" in page


# --- The report: the reader's language on the page, the customer's in the PDF and the mail ---------------

@pytest.fixture
def german_customer_case(app, make):
    customer = make.customer(name="Greta Graf", language="de")
    case = make.case(asset=make.asset(customer=customer), status=CaseStatus.CLOSED, closed_on=make.today(),
                     resolution_summary="Done.")
    make.visit(case=case, status=VisitStatus.COMPLETED, completed_at=datetime.now(timezone.utc))
    return case


def test_the_office_reads_the_report_in_its_own_language(client, auth, german_customer_case):
    auth.as_role(Role.DISPATCHER)
    page = client.get(f"/cases/{german_customer_case.id}/report").get_data(as_text=True)
    assert "1. Customer Details" in page and "Kundendaten" not in page


def test_the_mailed_report_speaks_the_customer_s_language(app, client, auth, german_customer_case, monkeypatch):
    from fieldapp.documents import report as report_document

    printed = []
    monkeypatch.setattr(report_document, "render_pdf", lambda report: printed.append(
        report_document.render_html(report)) or b"%PDF-1.7")
    auth.as_role(Role.DISPATCHER)
    case_id = german_customer_case.id
    token = csrf_token_from(client.get(f"/cases/{case_id}/report").get_data(as_text=True))

    response = client.post(f"/cases/{case_id}/report/email", data={"csrf_token": token, "to": "greta@example.com"})

    assert response.status_code == 303
    with app.app_context():
        mail = db.session.scalar(db.select(OutboundMail))
        assert mail.subject.startswith(f"Kundendienstbericht {german_customer_case.number} · ")
        assert mail.body.startswith("Guten Tag Greta Graf,") and "Mit freundlichen Grüßen" in mail.body
        notes = [e.note for e in db.session.get(Case, case_id).events if e.kind == "report_emailed"]
    assert notes == ["Report emailed to greta@example.com (on request)"]  # the office's timeline: its language
    [html] = printed
    assert '<html lang="de">' in html and "1. Kundendaten" in html
    # ... and the office's next page is in its own language again
    assert "1. Customer Details" in client.get(f"/cases/{case_id}/report").get_data(as_text=True)


def test_the_pdf_speaks_the_customer_s_language_and_without_one_the_company_s(app, client, auth, make,
                                                                            german_customer_case, monkeypatch):
    from fieldapp.documents import report as report_document

    printed = []
    monkeypatch.setattr(report_document, "render_pdf", lambda report: printed.append(
        report_document.render_html(report)) or b"%PDF-1.7")
    auth.as_role(Role.DISPATCHER)
    assert client.get(f"/cases/{german_customer_case.id}/report.pdf").status_code == 200
    assert '<html lang="de">' in printed[-1] and "Kundendienstbericht" in printed[-1]

    with app.app_context():
        db.session.get(Customer, german_customer_case.customer_id).language = None
        db.session.commit()
    assert client.get(f"/cases/{german_customer_case.id}/report.pdf").status_code == 200
    assert '<html lang="en">' in printed[-1] and "1. Customer Details" in printed[-1]


def test_a_german_reader_still_sends_an_english_customer_an_english_report(app, client, auth, make, monkeypatch):
    from fieldapp.documents import report as report_document

    monkeypatch.setattr(report_document, "render_pdf", lambda report: b"%PDF-1.7")
    factory = Factory(app)
    case = factory.case(status=CaseStatus.CLOSED, closed_on=factory.today(), resolution_summary="Done.")
    Auth(client, factory).as_role(Role.DISPATCHER, language="de")
    token = csrf_token_from(client.get(f"/cases/{case.id}/report").get_data(as_text=True))
    assert client.post(f"/cases/{case.id}/report/email",
                       data={"csrf_token": token, "to": "owner@example.com"}).status_code == 303
    with app.app_context():
        mail = db.session.scalar(db.select(OutboundMail))
    assert mail.subject.startswith("After-Sale Services Report ") and mail.body.startswith("Dear ")
