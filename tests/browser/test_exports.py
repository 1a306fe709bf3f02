"""Exports in a browser: the dispatcher goes from the dispatch board to Exports, narrows to one
technician, downloads this month's visits and reads the file back with `csv`; the page passes axe."""
import csv
import io
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import User, Visit
from fieldapp.services import exports
from tests.browser.conftest import sign_in
from fieldapp.views.reports.exports import this_month
from tests.browser.test_accessibility import a11y_page, violations  # noqa: F401  (a11y_page: a fixture)


def _technician_with_visits_this_month(app) -> tuple[str, int]:
    with app.app_context():
        start, end = exports.Filters(*this_month()).instants
        name, count = db.session.execute(
            select(User.name, func.count(Visit.id)).join(Visit, Visit.technician_id == User.id)
            .where(User.email == "tech@demo.test", Visit.scheduled_start >= start, Visit.scheduled_start < end)
            .group_by(User.name)).one()
        return name, count


def test_a_dispatcher_downloads_the_visits_of_one_technician(page, server, live_app, csp_violations):
    technician, visits = _technician_with_visits_this_month(live_app)
    sign_in(page, server, "dispatcher@demo.test")
    expect(page.get_by_role("heading", name="Dispatch", level=1)).to_be_visible()  # where signing in lands
    page.get_by_role("link", name="Exports").click()
    page.wait_for_url("**/exports/")  # htmx (boosted link) pushes the address after the swap
    expect(page.get_by_role("heading", name="Exports", level=1)).to_be_visible()
    page.get_by_label("Technician", exact=True).select_option(label=technician)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download visits with cost totals").click()
    download = download_info.value

    assert download.suggested_filename.startswith("fieldapp-visits-")
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(header) == exports.VISITS
    assert len(rows) == visits
    assert {row[header.index("Technician")] for row in rows} == {technician}
    assert page.url.endswith("/exports/")  # the download left the page where it was
    assert csp_violations == []


def test_the_exports_page_passes_axe(a11y_page, server):
    sign_in(a11y_page, server, "dispatcher@demo.test")
    assert violations(a11y_page, server.url + "/exports/") == []
