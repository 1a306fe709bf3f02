"""CSV exports: each one parses with `csv`, has its header row, gives back text as it was typed
(a comma, a quote, a line break) except that a formula is neutralised, writes ISO dates and
plain amounts, filters on days in the company's time zone, streams, and stays one query."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from urllib.parse import unquote

import pytest

from fieldapp.web import csv_stream
from fieldapp.extensions import db
from fieldapp.models import (
    CaseStatus, Channel, Complaint, ComplaintSource, Outcome, PaymentStatus, Rating, RatingSource, Role, Visit,
    VisitStatus,
)
from fieldapp import money
from fieldapp.services import exports

TRICKY = 'a, "b"\nc =1+1'  # a comma, a quote, a line break and a formula that is not at the start
FORMULA = "=1+1 then the drum stopped"
KINDS = list(exports.EXPORTS)
JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def save(make, row):
    return make._save(row)


def visit_with_everything(make, technician, customer=None, start=None):
    """A completed visit with its case, a part, a rating and a complaint, all in January 2026."""
    asset = make.asset(customer=customer or make.customer(name=TRICKY))
    case = make.case(asset=asset, description=FORMULA, status=CaseStatus.CLOSED, created_at=utc(2026, 1, 10, 8),
                     resolved_at=utc(2026, 1, 15, 11), closed_on=date(2026, 1, 16), channel=Channel.WALK_IN)
    start = start or utc(2026, 1, 15, 9)
    visit = make.visit(technician, case, start=start, status=VisitStatus.COMPLETED, arrived_at=start,
                       completed_at=utc(2026, 1, 15, 10, 30), outcome=Outcome.RESOLVED, labour_cents=1250,
                       parts_cents=2500, total_cents=3750, covered_cents=2500, billable_cents=1250,
                       payment_status=PaymentStatus.TO_INVOICE)
    make.visit_part(visit, make.part(name="Door seal, grey", unit_price_cents=1250), quantity=2, covered=True)
    save(make, Rating(visit_id=visit.id, overall=2, timeliness=3, professionalism=4, quality=5,
                      product_performance=1, comments=TRICKY, complaint="-was late", source=RatingSource.QR,
                      created_at=start))
    save(make, Complaint(case_id=case.id, visit_id=visit.id, source=ComplaintSource.PHONE, description=TRICKY,
                         received_at=utc(2026, 1, 16, 9), resolution="@ called back"))
    return visit


@pytest.fixture
def tech(make):
    return make.user(Role.TECHNICIAN, name="Tess Tech")


def download(client, kind, **args):
    response = client.get(f"/exports/{kind}.csv", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_streamed
    assert response.content_type == "text/csv; charset=utf-8"
    return response


def parse(response, encoding="utf-8") -> tuple[list[dict], list[str]]:
    rows = list(csv.reader(io.StringIO(response.get_data().decode(encoding), newline="")))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], rows[0]


def test_each_export_parses_with_its_header_and_gives_text_back_as_typed(client, make, dispatcher, tech):
    visit_with_everything(make, tech)
    # Per export: two text columns and what they must hold (a formula start gets its apostrophe).
    expected = {"cases": {"Customer": TRICKY, "Description": "'" + FORMULA},
                "visits": {"Customer": TRICKY, "Technician": "Tess Tech"},
                "parts": {"Customer": TRICKY, "Part name": "Door seal, grey"},
                "ratings": {"Comments": TRICKY, "Complaint": "'-was late"},
                "complaints": {"Description": TRICKY, "Resolution": "'@ called back"}}
    assert set(expected) == set(KINDS)

    for kind, texts in expected.items():
        rows, header = parse(download(client, kind, **JANUARY))

        assert tuple(header) == exports.EXPORTS[kind].header
        [row] = rows
        assert {name: row[name] for name in texts} == texts, kind


# Hostile text from the QR label's request form, read by spreadsheets with either list separator.
HOSTILE = ("Pat;=1+1", "It leaks;=HYPERLINK(A1)")


def _runnable(cell: str) -> bool:
    text = cell.strip().strip('"').strip()
    return text[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"[+-]?[0-9][0-9 ().,/-]*", text)


@pytest.mark.parametrize("kind", KINDS)
def test_no_reader_finds_a_formula_whatever_its_separator(client, make, dispatcher, tech, kind):
    visit = visit_with_everything(make, tech, customer=make.customer(name=HOSTILE[0], phone="+31 6 1234 5678"))
    with client.application.app_context():
        case = db.session.get(Visit, visit.id).case
        case.description, case.contact_name = HOSTILE[1], HOSTILE[0]
        db.session.commit()

    text = download(client, kind, excel="1", **JANUARY).get_data().decode("utf-8-sig")

    for delimiter in (",", ";", "\t", "|"):
        cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]
        assert not [cell for cell in cells if _runnable(cell)], delimiter
    naive = [piece for line in text.splitlines() for piece in re.split(r"[,;\t|]", line)]  # quotes ignored
    assert not [piece for piece in naive if _runnable(piece)]


def test_a_comma_reader_gets_every_cell_whole_and_phone_numbers_readable(client, make, dispatcher, tech):
    visit = visit_with_everything(make, tech, customer=make.customer(name=HOSTILE[0]))
    with client.application.app_context():
        db.session.get(Visit, visit.id).case.contact_phone = "+31 6 1234 5678"
        db.session.commit()
    [case], _ = parse(download(client, "cases", **JANUARY))
    assert case["Customer"] == "Pat;'=1+1" and case["Description"] == "'" + FORMULA
    assert case["Contact phone"] == "+31 6 1234 5678"
    [visit], _ = parse(download(client, "visits", **JANUARY))
    assert visit["Labour"] == "12.50" and visit["Customer"] == "Pat;'=1+1"


def test_a_semicolon_reader_does_not_split_a_typed_semicolon(client, make, dispatcher, tech):
    visit_with_everything(make, tech, customer=make.customer(name=HOSTILE[0]))
    text = download(client, "cases", excel="1", **JANUARY).get_data().decode("utf-8-sig")
    [header, row] = [line for line in csv.reader(io.StringIO(text, newline=""), delimiter=";")]
    # The whole line is one cell or a few: never "Pat" in one and a formula in the next.
    assert not any(cell.startswith("=") for cell in row)
    assert "Pat;'=1+1" in ";".join(row)


def test_dates_are_iso_money_is_plain_decimal_and_nothing_is_an_empty_cell(client, make, dispatcher, tech):
    visit = visit_with_everything(make, tech)

    [row], _ = parse(download(client, "visits", **JANUARY))
    [case], _ = parse(download(client, "cases", **JANUARY))
    [part], _ = parse(download(client, "parts", **JANUARY))
    [rating], _ = parse(download(client, "ratings", **JANUARY))

    assert row["Visit"] == str(visit.id)
    assert row["Scheduled start"] == "2026-01-15T10:00:00+01:00"  # Amsterdam, with its offset
    assert datetime.fromisoformat(row["Completed at"]) == utc(2026, 1, 15, 10, 30)
    assert (row["Labour"], row["Parts"], row["Total"], row["Covered"], row["Billable"]) == (
        "12.50", "25.00", "37.50", "25.00", "12.50")
    assert row["Transport"] == "0.00"
    assert (row["Status"], row["Outcome"], row["Payment status"]) == ("Completed", "Resolved", "To be invoiced")
    assert row["Travel started at"] == "" and row["Not completed because"] == ""
    assert (case["Closed on"], case["Channel"], case["First response at"]) == ("2026-01-16", "Walk-in", "")
    assert (part["Visit date"], part["Quantity"], part["Unit cost"], part["Line total"], part["Covered"]) == (
        "2026-01-15", "2", "12.50", "25.00", "yes")
    assert (rating["Visit date"], rating["Rated at"], rating["Overall"], rating["Product performance"],
            rating["Source"]) == ("2026-01-15", "2026-01-15T10:00:00+01:00", "2", "1", "QR code")


def test_only_text_is_neutralised_never_the_numbers_we_write():
    tz = timezone.utc
    for text in ("=1+1", "-2+A1", "@SUM(A1)", "+HYPERLINK(A1)", "-was late"):
        assert csv_stream.cell(text, tz) == "'" + text
    # After anything a reader might split the cell at, too.
    assert csv_stream.cell("Pat;=1+1", tz) == "Pat;'=1+1"
    assert csv_stream.cell("It leaks;=HYPERLINK(A1)", tz) == "It leaks;'=HYPERLINK(A1)"
    assert csv_stream.cell("a,@x|+y\t=1\r-z\n=2", tz) == "a,'@x|'+y\t'=1\r'-z\n'=2"
    # Phone numbers and plain numbers call nothing: left readable.
    for text in ("+31 6 1234 5678", "-2", "+1 (555) 010-9999", "a=1", " =1", "12", "", "é", "AP-300; -5",
                 "SN-1-2"):
        assert csv_stream.cell(text, tz) == text
    assert csv_stream.cell(Decimal("-1.50"), tz) == Decimal("-1.50")
    assert csv_stream.cell(-3, tz) == -3
    assert (csv_stream.cell(None, tz), csv_stream.cell(True, tz), csv_stream.cell(False, tz)) == ("", "yes", "no")
    assert csv_stream.cell(Channel.WALK_IN, tz) == "Walk-in"
    assert money.as_decimal(1250) == Decimal("12.50") and str(money.as_decimal(0)) == "0.00"


def test_days_are_the_company_s_days(client, make, dispatcher, tech):
    """23:30 UTC on 31 January is 1 February in Amsterdam; 23:30 UTC on 31 December is 1 January."""
    late = visit_with_everything(make, tech, start=utc(2026, 1, 31, 23, 30))
    early = visit_with_everything(make, tech, start=utc(2025, 12, 31, 23, 30))

    january, _ = parse(download(client, "visits", **JANUARY))
    february, _ = parse(download(client, "visits", **{"from": "2026-02-01", "to": "2026-02-01"}))

    assert [row["Visit"] for row in january] == [str(early.id)]
    assert [row["Visit"] for row in february] == [str(late.id)]
    assert february[0]["Scheduled start"] == "2026-02-01T00:30:00+01:00"


def test_filters_by_technician_model_and_customer(client, make, dispatcher, tech):
    other = make.user(Role.TECHNICIAN, name="Otto Other")
    mine = visit_with_everything(make, tech)
    theirs = visit_with_everything(make, other, customer=make.customer(name="Someone else"))
    with make.app.app_context():
        theirs_row = db.session.get(Visit, theirs.id)
        model_id, customer_id = theirs_row.case.asset.product_model_id, theirs_row.case.customer_id

    for kind in KINDS:
        rows, _ = parse(download(client, kind, technician_id=tech.id, **JANUARY))
        assert len(rows) == 1 and TRICKY in rows[0].values(), kind
    by_model, _ = parse(download(client, "visits", model_id=model_id, **JANUARY))
    by_customer, _ = parse(download(client, "complaints", customer_id=customer_id, **JANUARY))
    assert [row["Visit"] for row in by_model] == [str(theirs.id)]
    assert [row["Customer"] for row in by_customer] == ["Someone else"]
    everyone, _ = parse(download(client, "parts", **JANUARY))
    assert sorted(row["Visit"] for row in everyone) == sorted([str(mine.id), str(theirs.id)])


def test_the_download_is_named_for_its_days_and_excel_gets_a_byte_order_mark(client, make, dispatcher, tech):
    visit_with_everything(make, tech)

    plain = download(client, "visits", **JANUARY)
    assert not plain.get_data().startswith(b"\xef\xbb\xbf")
    for_excel = download(client, "visits", excel="1", **JANUARY)
    assert for_excel.get_data().startswith(b"\xef\xbb\xbf")

    disposition = plain.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition)[1]) == \
        "fieldapp-visits-2026-01-01-to-2026-01-31.csv"
    assert plain.headers["Cache-Control"] == "no-store"
    rows, header = parse(for_excel, encoding="utf-8-sig")
    assert header[0] == "Case number" and rows[0]["Customer"] == TRICKY


def test_without_dates_it_is_this_month(client, make, dispatcher, tech):
    today = make.today()
    response = download(client, "cases")
    assert f"fieldapp-cases-{today.replace(day=1).isoformat()}-to-" in response.headers["Content-Disposition"]
    rows, header = parse(response)
    assert rows == [] and header[0] == "Case number"


WRONG = [
    ({"from": "2026-13-01"}, "not in the calendar"),
    ({"from": "31-01-2026"}, "a date like 2026-01-31"),
    ({"to": "20260131"}, "a date like 2026-01-31"),
    ({"from": "2026-02-01", "to": "2026-01-31"}, "start date is after the end date"),
    ({"from": "2020-01-01", "to": "2025-01-01"}, "at most 5 years"),
    ({"from": "0001-01-01", "to": "0001-01-02"}, "between 1970 and 2999"),
    ({"from": "9999-12-30", "to": "9999-12-31"}, "between 1970 and 2999"),
    ({"technician_id": "99999"}, "no such technician"),
    ({"technician_id": "1e3"}, "Unknown technician"),
    ({"model_id": "424242"}, "no such product model"),
    ({"customer_id": "-1"}, "Unknown customer"),
    ({"customer_id": "31337"}, "no such customer"),
    ({"excel": "yes please"}, "Excel option"),
]


def test_wrong_parameters_are_a_400_page_that_says_why(client, dispatcher):
    for args, message in WRONG:
        response = client.get("/exports/visits.csv", query_string=args)
        assert response.status_code == 400, args
        assert response.mimetype == "text/html"
        assert message in response.get_data(as_text=True), args


def test_a_dispatcher_is_no_technician_filter(client, make, dispatcher):
    response = client.get("/exports/visits.csv", query_string={"technician_id": dispatcher.id})
    assert response.status_code == 400


def test_five_years_less_a_day_is_allowed_and_unknown_kinds_are_not_found(client, dispatcher):
    assert download(client, "ratings", **{"from": "2021-01-01", "to": "2025-12-31"}).get_data()
    assert client.get("/exports/users.csv").status_code == 404


def test_technicians_get_no_exports(client, auth):
    auth.as_role(Role.TECHNICIAN)
    assert client.get("/exports/").status_code == 403
    assert client.get("/exports/visits.csv").status_code == 403


def test_one_query_however_many_rows(client, make, dispatcher, tech, count_queries):
    visit_with_everything(make, tech)

    def counts():
        found = {}
        for kind in KINDS:
            with count_queries() as counter:
                download(client, kind, **JANUARY).get_data()
            found[kind] = counter.count
        return found

    few = counts()
    for _ in range(4):
        visit_with_everything(make, make.user(Role.TECHNICIAN))
    many = counts()

    assert many == few
    assert len(parse(download(client, "ratings", **JANUARY))[0]) == 5


def test_rows_are_read_and_written_a_chunk_at_a_time(app):
    """A generator in, chunks out: nothing waits for the last row to send the first."""
    handed = []

    def rows():
        for n in range(20000):
            handed.append(n)
            yield (n, "text " * 4, Decimal(n).scaleb(-2))

    with app.app_context():
        chunks = csv_stream.stream(("n", "text", "amount"), rows())
        first = next(chunks)
        assert first.startswith(b'"n","text","amount"\r\n0,"text text text text ",0.00\r\n')
        assert 0 < len(handed) < 20000
        rest = list(chunks)
    assert len(rest) > 1
    with app.app_context():
        statement_rows = exports.visits(exports.Filters(date(2026, 1, 1), date(2026, 1, 31)))
        assert iter(statement_rows) is statement_rows  # a generator: rows are read as they are written


def test_the_page_offers_every_export_from_the_dispatch_board(client, make, dispatcher, tech):
    inactive = make.user(Role.TECHNICIAN, name="Ex Technician", active=False)
    board = client.get("/dispatch/").get_data(as_text=True)
    assert 'href="/exports/"' in board

    page = client.get("/exports/").get_data(as_text=True)

    for kind in KINDS:
        assert f'formaction="/exports/{kind}.csv"' in page
    assert "Tess Tech" in page and f'value="{inactive.id}">Ex Technician (no longer active)' in page
    assert 'hx-boost="false"' in page
    assert dispatcher.name not in page.split('id="export-technician"')[1].split("</select>")[0]


def test_a_case_rated_as_a_whole_is_in_the_ratings_export_without_a_visit(app, client, make, dispatcher):
    from fieldapp.extensions import db
    from fieldapp.models import CaseStatus, Rating, RatingSource

    case = make.case(status=CaseStatus.RESOLVED)
    with app.app_context():
        db.session.add(Rating(case_id=case.id, visit_id=None, source=RatingSource.OFFICE, overall=5, timeliness=5,
                              professionalism=4, quality=4, product_performance=5, created_at=utc(2026, 1, 20, 9)))
        db.session.commit()
    [rating], _ = parse(download(client, "ratings", **JANUARY))
    assert (rating["Case number"], rating["Visit"], rating["Visit date"], rating["Technician"]) == (
        case.number, "", "", "")
    assert (rating["Overall"], rating["Source"]) == ("5", "Taken by the office")
