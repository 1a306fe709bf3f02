"""The asset registry: registering sold units, their coverage, search, QR labels, the staff page
behind a label, opening a case from it, and finding a product by its serial number."""
import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import (
    Asset, Case, CaseStatus, Channel, Coverage, CoverageKind, Outcome, Priority, Rating, RatingSource, Role,
    VisitStatus,
)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,}$")


def today(app) -> date:
    with app.app_context():
        return clock.today()


def assets_in_db(app) -> list[Asset]:
    with app.app_context():
        found = db.session.scalars(select(Asset).options(selectinload(Asset.coverages)).order_by(Asset.id)).all()
        for asset in found:
            for coverage in asset.coverages:
                db.session.expunge(coverage)
            db.session.expunge(asset)
        return found


def load(app, asset_id) -> Asset:
    return next(a for a in assets_in_db(app) if a.id == asset_id)


def coverages_of(app, asset_id) -> list[Coverage]:
    with app.app_context():
        found = db.session.scalars(select(Coverage).where(Coverage.asset_id == asset_id).order_by(Coverage.id)).all()
        for coverage in found:
            db.session.expunge(coverage)
        return found


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def registration(make, **data) -> dict:
    """Form data for /assets/new with a fresh model and customer unless given."""
    model = data.pop("model", None) or make.product_model()
    customer = data.pop("customer", None) or make.customer()
    return {"product_model_id": str(model.id), "customer_id": str(customer.id), "serial_number": "WM-2024-0001",
            "sales_date": "2024-03-15", "warranty_ends_on": "", "install_address": "", "notes": "", **data}


def details(asset, **data) -> dict:
    """Form data for /assets/<id>/edit, starting from the asset as it is."""
    return {"product_model_id": str(asset.product_model_id), "customer_id": str(asset.customer_id),
            "serial_number": asset.serial_number, "sales_date": asset.sales_date.isoformat(),
            "install_address": asset.install_address or "", "notes": asset.notes or "", **data}


def coverage_data(**data) -> dict:
    return {"kind": "service_contract", "reference": "", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
            "terms": "", **data}


# --- Registering ---------------------------------------------------------------------------------

def test_registering_adds_the_models_standard_warranty_and_opens_the_products_page(app, client, make, dispatcher):
    model = make.product_model(name="Washer 9", warranty_months=24, warranty_terms="Parts and labour, two years.")
    customer = make.customer(name="Ada Lovelace")

    response = client.post("/assets/new", data=registration(make, model=model, customer=customer,
                                                            serial_number="  WM-2024-0001 ",
                                                            install_address="Kade 1, Utrecht",
                                                            notes="Second floor"))

    assert response.status_code == 303
    [asset] = assets_in_db(app)
    assert response.headers["Location"] == f"/a/{asset.qr_token}"
    assert (asset.serial_number, asset.customer_id, asset.product_model_id) == ("WM-2024-0001", customer.id, model.id)
    assert (asset.sales_date, asset.install_address, asset.notes) == (date(2024, 3, 15), "Kade 1, Utrecht",
                                                                      "Second floor")
    [warranty] = asset.coverages
    assert warranty.kind is CoverageKind.STANDARD_WARRANTY
    assert (warranty.starts_on, warranty.ends_on) == (date(2024, 3, 15), date(2026, 3, 14))
    assert (warranty.covers_parts, warranty.covers_labour, warranty.covers_transport) == (True, True, False)
    assert warranty.terms == "Parts and labour, two years."
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "WM-2024-0001 registered" in page and "Ada Lovelace" in page


def test_registering_with_an_own_warranty_end_uses_it(app, client, make, dispatcher):
    model = make.product_model(warranty_months=12)
    response = client.post("/assets/new", data=registration(make, model=model, warranty_ends_on="2027-06-30"))
    assert response.status_code == 303
    [asset] = assets_in_db(app)
    [warranty] = asset.coverages
    assert (warranty.kind, warranty.starts_on, warranty.ends_on) == (
        CoverageKind.STANDARD_WARRANTY, date(2024, 3, 15), date(2027, 6, 30))


def test_a_model_without_warranty_registers_without_coverage(app, client, make, dispatcher):
    model = make.product_model(warranty_months=0)
    response = client.post("/assets/new", data=registration(make, model=model))
    errors = re.findall(r'class="field__error"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert (response.status_code, errors) == (303, [])
    [asset] = assets_in_db(app)
    assert asset.coverages == []


def test_a_warranty_ending_before_the_sale_is_refused(app, client, make, dispatcher):
    response = client.post("/assets/new", data=registration(make, warranty_ends_on="2024-03-14"))
    assert response.status_code == 422
    assert "The warranty cannot end before the sales date." in response.get_data(as_text=True)
    assert count(app, Asset) == 0 and count(app, Coverage) == 0


def test_the_qr_token_is_long_random_and_neither_serial_nor_id(app, client, make, dispatcher):
    client.post("/assets/new", data=registration(make, serial_number="SERIAL-A"))
    client.post("/assets/new", data=registration(make, serial_number="SERIAL-B"))
    first, second = assets_in_db(app)
    for asset in (first, second):
        assert TOKEN_RE.match(asset.qr_token), asset.qr_token
        assert asset.qr_token not in (asset.serial_number, str(asset.id))
        assert asset.serial_number.lower() not in asset.qr_token.lower()
    assert first.qr_token != second.qr_token


def test_a_duplicate_serial_is_refused_whatever_its_case(app, client, make, dispatcher):
    make.asset(serial_number="AB-100")
    response = client.post("/assets/new", data=registration(make, serial_number=" ab-100 "))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Another product already has this serial number." in html
    assert 'value=" ab-100 "' in html or 'value="ab-100"' in html
    assert count(app, Asset) == 1 and count(app, Coverage) == 1


def test_a_sales_date_in_the_future_is_refused(app, client, make, dispatcher):
    tomorrow = today(app) + timedelta(days=1)
    response = client.post("/assets/new", data=registration(make, sales_date=tomorrow.isoformat()))
    assert response.status_code == 422
    assert "The sales date cannot be in the future." in response.get_data(as_text=True)
    assert count(app, Asset) == 0


def test_a_sale_today_is_accepted(app, client, make, dispatcher):
    response = client.post("/assets/new", data=registration(make, sales_date=today(app).isoformat()))
    assert response.status_code == 303
    assert count(app, Asset) == 1


def test_missing_fields_are_named_and_nothing_is_saved(app, client, make, dispatcher):
    response = client.post("/assets/new", data={"product_model_id": "", "customer_id": "", "serial_number": "",
                                                 "sales_date": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Choose the model.", "Choose the customer.", "Enter the serial number.",
                    "Enter the sales date, like 2026-03-31."):
        assert message in html
    assert count(app, Asset) == 0


def test_the_customer_is_found_with_the_picker_not_a_list_of_every_customer(app, client, make, dispatcher):
    ada, _ = make.customer(name="Ada Lovelace"), make.customer(name="Grace Hopper")
    blank = client.get("/assets/new").get_data(as_text=True)
    assert "Grace Hopper" not in blank and "Ada Lovelace" not in blank  # a search, not 20,000 options
    chosen = client.get(f"/assets/new?customer_id={ada.id}").get_data(as_text=True)
    assert re.search(r'value="%d" checked>\s*<span>Chosen: <strong>Ada Lovelace</strong>' % ada.id, chosen)
    picked = client.get("/customers/pick?q=grace", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Grace Hopper" in picked and "Ada Lovelace" not in picked

    response = client.post("/assets/new", data=registration(make, customer_id="987654"))
    assert response.status_code == 422 and "Choose the customer." in response.get_data(as_text=True)
    assert count(app, Asset) == 0


def test_refused_input_comes_back_as_typed(app, client, make, dispatcher):
    model = make.product_model(name="Oven 3")
    response = client.post("/assets/new", data=registration(
        make, model=model, customer=None, customer_id="", serial_number="OV-3-777", sales_date="15/03/2024",
        install_address="Achterweg 7", notes="Gate code 1234"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the customer." in html and "Not a valid date value" in html
    assert 'value="OV-3-777"' in html and 'value="15/03/2024"' in html
    assert "Achterweg 7" in html and "Gate code 1234" in html
    assert re.search(rf'<option selected value="{model.id}">|<option value="{model.id}" selected', html)
    assert count(app, Asset) == 0


# --- Editing details ---------------------------------------------------------------------------------

def test_editing_details_keeps_the_label_token(app, client, make, dispatcher):
    asset = make.asset(serial_number="OLD-1")
    other_customer = make.customer(name="New Owner")
    form_page = client.get(f"/assets/{asset.id}/edit").get_data(as_text=True)
    assert 'value="OLD-1"' in form_page and 'name="warranty_ends_on"' not in form_page

    response = client.post(f"/assets/{asset.id}/edit", data=details(
        asset, serial_number="NEW-1", customer_id=str(other_customer.id), sales_date="2024-05-01",
        notes="Moved to the attic"))

    assert response.status_code == 303
    assert response.headers["Location"] == f"/assets/{asset.id}/edit"
    changed = load(app, asset.id)
    assert (changed.serial_number, changed.customer_id, changed.sales_date, changed.notes) == (
        "NEW-1", other_customer.id, date(2024, 5, 1), "Moved to the attic")
    assert changed.qr_token == asset.qr_token
    page = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "NEW-1" in page and "New Owner" in page


def test_editing_to_another_products_serial_is_refused(app, client, make, dispatcher):
    make.asset(serial_number="TAKEN-9")
    asset = make.asset(serial_number="MINE-1")
    response = client.post(f"/assets/{asset.id}/edit", data=details(asset, serial_number="taken-9"))
    assert response.status_code == 422
    assert "Another product already has this serial number." in response.get_data(as_text=True)
    assert load(app, asset.id).serial_number == "MINE-1"


def test_editing_only_the_case_of_its_own_serial_is_allowed(app, client, make, dispatcher):
    asset = make.asset(serial_number="abc-1")
    response = client.post(f"/assets/{asset.id}/edit", data=details(asset, serial_number="ABC-1"))
    assert response.status_code == 303
    assert load(app, asset.id).serial_number == "ABC-1"


def test_editing_to_a_future_sales_date_is_refused(app, client, make, dispatcher):
    asset = make.asset()
    future = (today(app) + timedelta(days=3)).isoformat()
    response = client.post(f"/assets/{asset.id}/edit", data=details(asset, sales_date=future))
    assert response.status_code == 422
    assert "The sales date cannot be in the future." in response.get_data(as_text=True)
    assert load(app, asset.id).sales_date == asset.sales_date


@pytest.mark.parametrize("method, path", [("get", "edit"), ("get", "qr.png"), ("get", "qr.svg"),
                                          ("post", "coverages"), ("post", "cases")])
def test_an_unknown_product_is_404(client, dispatcher, method, path):
    with getattr(client, method)(f"/assets/9999/{path}") as response:
        assert response.status_code == 404


def test_a_product_id_beyond_any_stored_id_is_404(client, dispatcher):
    with client.get("/assets/99999999999999999999/edit") as response:
        assert response.status_code == 404


# --- Coverage -----------------------------------------------------------------------------------------

def test_adding_a_service_contract(app, client, make, dispatcher):
    asset = make.asset(warranty=False)
    response = client.post(f"/assets/{asset.id}/coverages", data=coverage_data(
        reference="SC-77", covers_parts="y", covers_transport="y", terms="Yearly check included."))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/assets/{asset.id}/edit#coverage"
    [contract] = coverages_of(app, asset.id)
    assert (contract.kind, contract.reference, contract.starts_on, contract.ends_on) == (
        CoverageKind.SERVICE_CONTRACT, "SC-77", date(2025, 1, 1), date(2025, 12, 31))
    assert (contract.covers_parts, contract.covers_labour, contract.covers_transport) == (True, False, True)
    assert contract.terms == "Yearly check included."
    page = client.get(f"/assets/{asset.id}/edit").get_data(as_text=True)
    assert "Service contract" in page and "SC-77" in page and "covers parts, transport" in page


def test_editing_a_coverage(app, client, make, dispatcher):
    asset = make.asset()
    [warranty] = coverages_of(app, asset.id)
    response = client.post(f"/assets/{asset.id}/coverages/{warranty.id}", data=coverage_data(
        kind="extended_warranty", reference="EXT-5", starts_on="2024-01-01", ends_on="2028-12-31",
        covers_labour="y"))
    assert response.status_code == 303
    [changed] = coverages_of(app, asset.id)
    assert changed.id == warranty.id
    assert (changed.kind, changed.reference, changed.starts_on, changed.ends_on) == (
        CoverageKind.EXTENDED_WARRANTY, "EXT-5", date(2024, 1, 1), date(2028, 12, 31))
    assert (changed.covers_parts, changed.covers_labour, changed.covers_transport) == (False, True, False)


def test_removing_a_coverage(app, client, make, dispatcher):
    asset = make.asset()
    [warranty] = coverages_of(app, asset.id)
    response = client.post(f"/assets/{asset.id}/coverages/{warranty.id}/remove")
    assert response.status_code == 303
    assert coverages_of(app, asset.id) == []
    page = client.get(f"/assets/{asset.id}/edit").get_data(as_text=True)
    assert "No warranty or contract: every service is billable." in page


def test_a_new_coverage_ending_before_it_starts_is_refused(app, client, make, dispatcher):
    asset = make.asset(warranty=False)
    response = client.post(f"/assets/{asset.id}/coverages", data=coverage_data(
        reference="SC-BAD", starts_on="2025-06-01", ends_on="2025-05-31"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The end date must be on or after the start date." in html
    assert 'value="SC-BAD"' in html
    assert coverages_of(app, asset.id) == []


def test_an_edited_coverage_ending_before_it_starts_is_refused(app, client, make, dispatcher):
    asset = make.asset()
    [warranty] = coverages_of(app, asset.id)
    response = client.post(f"/assets/{asset.id}/coverages/{warranty.id}", data=coverage_data(
        kind="standard_warranty", starts_on="2025-06-01", ends_on="2024-06-01", covers_parts="y"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The end date must be on or after the start date." in html
    assert '<details class="coverage" open>' in html
    [unchanged] = coverages_of(app, asset.id)
    assert (unchanged.kind, unchanged.starts_on, unchanged.ends_on) == (
        warranty.kind, warranty.starts_on, warranty.ends_on)


def test_a_refused_coverage_shows_the_same_details_form_as_the_edit_page(client, make, dispatcher):
    asset = make.asset(serial_number="SAME-1")
    response = client.post(f"/assets/{asset.id}/coverages", data=coverage_data(
        starts_on="2025-06-01", ends_on="2025-05-31"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="SAME-1"' in html
    # warranties are edited as coverage rows: the details form has no warranty end field
    assert 'name="warranty_ends_on"' not in html


@pytest.mark.parametrize("data, message", [
    ({"kind": ""}, "Choose the kind."),
    ({"kind": "lifetime"}, "Not a valid choice"),
    ({"starts_on": ""}, "Enter the start date."),
    ({"ends_on": ""}, "Enter the end date."),
    ({"ends_on": "31-12-2025"}, "Not a valid date value"),
])
def test_bad_coverage_input_is_refused_with_a_message(app, client, make, dispatcher, data, message):
    asset = make.asset(warranty=False)
    response = client.post(f"/assets/{asset.id}/coverages", data=coverage_data(**data))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert coverages_of(app, asset.id) == []


def test_a_coverage_of_another_product_is_not_found(app, client, make, dispatcher):
    asset = make.asset()
    other = make.asset()
    [others] = coverages_of(app, other.id)
    response = client.post(f"/assets/{asset.id}/coverages/{others.id}", data=coverage_data())
    assert response.status_code == 404
    client.post(f"/assets/{asset.id}/coverages/{others.id}/remove")
    assert len(coverages_of(app, other.id)) == 1


# --- Search and paging ---------------------------------------------------------------------------------

@pytest.fixture
def three_assets(make):
    ada = make.customer(name="Ada Lovelace")
    bob = make.customer(name="Bob Builder")
    make.asset(customer=ada, product_model=make.product_model(name="Dishwasher Pro", model_number="DW-X"),
               serial_number="DW-0001")
    make.asset(customer=bob, product_model=make.product_model(name="Fridge Max", model_number="FR-X"),
               serial_number="FR-0002")
    make.asset(customer=bob, product_model=make.product_model(name="Oven Go", model_number="OV-X"),
               serial_number="OV-0003")


@pytest.mark.parametrize("query, found", [
    ("dw-0001", {"DW-0001"}),
    ("LOVELACE", {"DW-0001"}),
    ("bob", {"FR-0002", "OV-0003"}),
    ("fridge", {"FR-0002"}),
    ("OV-X", {"OV-0003"}),
    ("", {"DW-0001", "FR-0002", "OV-0003"}),
])
def test_search_by_serial_customer_or_model(client, dispatcher, three_assets, query, found):
    html = client.get("/assets/", query_string={"q": query}).get_data(as_text=True)
    shown = {serial for serial in ("DW-0001", "FR-0002", "OV-0003") if serial in html}
    assert shown == found


def test_search_without_match_says_so(client, dispatcher, three_assets):
    html = client.get("/assets/?q=zebra").get_data(as_text=True)
    assert "No products match “zebra”." in html and 'value="zebra"' in html


def test_search_ignores_wildcards(client, dispatcher, three_assets):
    html = client.get("/assets/?q=%25").get_data(as_text=True)
    assert "DW-0001" not in html and "No products match" in html


def test_the_list_pages_by_25_newest_sale_first(app, client, make, dispatcher):
    customer = make.customer()
    model = make.product_model()
    for n in range(27):
        make.asset(customer=customer, product_model=model, warranty=False, serial_number=f"PG-{n:03d}",
                   sales_date=date(2024, 1, 1) + timedelta(days=n))

    first = client.get("/assets/").get_data(as_text=True)
    second = client.get("/assets/?page=2").get_data(as_text=True)

    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "PG-026" in first and "PG-002" in first and "PG-001" not in first
    assert "PG-001" in second and "PG-000" in second and "PG-002" not in second
    assert first.index("PG-026") < first.index("PG-025")


@pytest.mark.parametrize("page", ["0", "-1", "two", "²"], ids=["zero", "negative", "word", "superscript-two"])
def test_a_bad_page_number_is_refused(client, dispatcher, page):
    response = client.get("/assets/", query_string={"page": page})
    assert response.status_code == 400
    assert "The page must be a positive number." in response.get_data(as_text=True)


def test_a_page_far_beyond_the_end_is_empty_and_a_number_past_any_page_is_refused(client, dispatcher, make):
    asset = make.asset()
    beyond = client.get("/assets/", query_string={"page": "99999"})
    html = beyond.get_data(as_text=True)
    assert beyond.status_code == 200
    assert "No products match" in html and asset.serial_number not in html
    huge = client.get("/assets/", query_string={"page": "99999999999999999999"})
    assert huge.status_code == 400
    assert "The page must be a positive number." in huge.get_data(as_text=True)


def test_a_too_long_search_is_refused(client, dispatcher):
    response = client.get("/assets/", query_string={"q": "x" * 81})
    assert response.status_code == 400 and "at most 80 characters" in response.get_data(as_text=True)


# --- Who may use the registry ------------------------------------------------------------------------

@pytest.mark.parametrize("method, url", [
    ("get", "/assets/"),
    ("get", "/assets/new"),
    ("post", "/assets/new"),
    ("get", "/assets/{id}/edit"),
    ("post", "/assets/{id}/edit"),
    ("post", "/assets/{id}/coverages"),
    ("post", "/assets/{id}/coverages/{cid}"),
    ("post", "/assets/{id}/coverages/{cid}/remove"),
    ("post", "/assets/{id}/cases"),
    ("post", "/assets/{id}/label"),
    ("get", "/assets/labels?ids={id}"),
])
def test_technicians_may_not_use_the_registry(app, client, auth, make, method, url):
    asset = make.asset()
    [warranty] = coverages_of(app, asset.id)
    auth.as_role(Role.TECHNICIAN)
    response = getattr(client, method)(url.format(id=asset.id, cid=warranty.id),
                                       data={"serial_number": "HACK", "description": "x"} if method == "post" else None)
    assert response.status_code == 403
    assert load(app, asset.id).serial_number == asset.serial_number
    assert len(coverages_of(app, asset.id)) == 1 and count(app, Case) == 0


def test_signed_out_visitors_are_sent_to_sign_in(client, make):
    response = client.get("/assets/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- Replacing a label --------------------------------------------------------------------------------

def test_an_admin_replaces_a_label_and_the_old_one_says_so(app, client, auth, make):
    asset = make.asset(serial_number="LBL-1")
    auth.as_role(Role.ADMIN)
    old = asset.qr_token

    response = client.post(f"/assets/{asset.id}/label")

    assert response.status_code == 303
    new = load(app, asset.id).qr_token
    assert new != old and TOKEN_RE.match(new)
    assert response.headers["Location"] == f"/a/{new}"
    stale = client.get(f"/a/{old}")
    assert stale.status_code == 404
    assert "This label has been replaced" in stale.get_data(as_text=True)
    fresh = client.get(f"/a/{new}")
    assert fresh.status_code == 200 and "LBL-1" in fresh.get_data(as_text=True)
    auth.logout()
    anonymous = client.get(f"/a/{old}")
    assert anonymous.status_code == 404 and "This label has been replaced" in anonymous.get_data(as_text=True)
    assert client.get(f"/a/{new}").status_code == 200


def test_a_dispatcher_cannot_replace_a_label(app, client, make, dispatcher):
    asset = make.asset()
    assert client.post(f"/assets/{asset.id}/label").status_code == 403
    assert load(app, asset.id).qr_token == asset.qr_token
    assert client.get(f"/a/{asset.qr_token}").status_code == 200


def test_only_admins_see_the_replace_button(client, auth, make):
    asset = make.asset()
    auth.as_role(Role.DISPATCHER)
    assert "Replace the label" not in client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    auth.logout()
    auth.as_role(Role.ADMIN)
    assert "Replace the label" in client.get(f"/a/{asset.qr_token}").get_data(as_text=True)


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_never_issued_token_is_not_recognised(client, auth, make, signed_in):
    make.asset()
    if signed_in:
        auth.as_role(Role.DISPATCHER)
    response = client.get("/a/AAAAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 404
    assert "not recognised" in response.get_data(as_text=True)


# --- QR codes and labels -------------------------------------------------------------------------------

def test_the_png_decodes_to_the_label_url(client, make, dispatcher):
    asset = make.asset(serial_number="QR-PNG-1")
    with client.get(f"/assets/{asset.id}/qr.png") as response:
        assert response.status_code == 200 and response.mimetype == "image/png"
        image = Image.open(io.BytesIO(response.get_data()))
        image.load()
    [result] = zxingcpp.read_barcodes(image)
    assert result.text == f"http://fieldapp.test/a/{asset.qr_token}"


def test_a_technician_may_download_the_png(client, auth, make):
    asset = make.asset()
    auth.as_role(Role.TECHNICIAN)
    with client.get(f"/assets/{asset.id}/qr.png") as response:
        assert response.status_code == 200 and response.mimetype == "image/png"


def test_the_svg_scales_with_css(client, make, dispatcher):
    asset = make.asset(serial_number="QR-SVG-1")
    with client.get(f"/assets/{asset.id}/qr.svg") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        markup = response.get_data(as_text=True)
    opening = re.search(r"<svg\b[^>]*>", markup).group(0)
    assert re.search(r'viewBox="0 0 \d+ \d+"', opening)
    assert not re.search(r"\s(width|height)=", opening)
    assert 'aria-label="QR code for QR-SVG-1"' in opening


def test_the_label_sheet_shows_each_chosen_product(client, make, dispatcher):
    first = make.asset(product_model=make.product_model(name="Heat Pump 7"), serial_number="HP-7-001")
    second = make.asset(product_model=make.product_model(name="Boiler Eco"), serial_number="BE-2-002")
    make.asset(product_model=make.product_model(name="Not Chosen"), serial_number="NC-0")

    response = client.get(f"/assets/labels?ids={second.id}&ids={first.id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "QR labels <small>2</small>" in html
    for asset, model in ((first, "Heat Pump 7"), (second, "Boiler Eco")):
        assert model in html and f"S/N {asset.serial_number}" in html
        assert f"fieldapp.test/a/{asset.qr_token}" in html
    assert "Not Chosen" not in html and "NC-0" not in html
    assert html.index("BE-2-002") < html.index("HP-7-001")  # in the order chosen
    assert html.count("<svg") == 2


def test_a_product_chosen_twice_gets_one_label(client, make, dispatcher):
    asset = make.asset()
    html = client.get(f"/assets/labels?ids={asset.id}&ids={asset.id}").get_data(as_text=True)
    assert "QR labels <small>1</small>" in html


@pytest.mark.parametrize("query, status, message", [
    ("", 400, "Choose at least one product"),
    ("?ids=", 400, "are not valid"),
    ("?ids=abc", 400, "are not valid"),
    ("?ids={id}&ids=x", 400, "are not valid"),
    ("?ids=-3", 400, "are not valid"),
    ("?ids=%C2%B2", 400, "are not valid"),  # "²" counts as a digit for str.isdigit
    ("?ids=9999", 404, "no longer exist"),
    ("?ids={id}&ids=9999", 404, "no longer exist"),
    ("?ids=99999999999999999999", 400, "are not valid"),
])
def test_bad_label_choices_are_refused_with_a_message(client, make, dispatcher, query, status, message):
    asset = make.asset()
    response = client.get("/assets/labels" + query.format(id=asset.id))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


# --- The staff page behind a label ----------------------------------------------------------------------

def test_staff_page_shows_customer_coverage_and_history_newest_first(app, client, make, dispatcher):
    customer = make.customer(name="Grace Hopper")
    asset = make.asset(customer=customer, serial_number="GH-1")
    now = datetime.now(timezone.utc)
    old_case = make.case(asset=asset, description="Drum squeaks", created_at=now - timedelta(days=60),
                         status=CaseStatus.RESOLVED)
    new_case = make.case(asset=asset, description="Door will not close", created_at=now - timedelta(days=2),
                         status=CaseStatus.NEW)
    visit = make.visit(make.user(Role.TECHNICIAN, name="Ann Fixer"), old_case, start=now - timedelta(days=59),
                       status=VisitStatus.COMPLETED, outcome=Outcome.RESOLVED,
                       actions_taken="Replaced the drum bearing", completed_at=now - timedelta(days=59))
    make.visit_part(visit, make.part(name="Drum bearing"), quantity=2)
    with app.app_context():
        db.session.add(Rating(visit_id=visit.id, overall=4, timeliness=5, professionalism=5, quality=4,
                              product_performance=4, source=RatingSource.ON_SITE))
        db.session.commit()

    response = client.get(f"/a/{asset.qr_token}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Grace Hopper" in html
    assert "Standard warranty until" in html and "covers parts, labour" in html
    assert "2 cases" in html
    assert html.index(new_case.number) < html.index(old_case.number)
    assert html.index("Door will not close") < html.index("Drum squeaks")
    assert "Ann Fixer" in html and "Resolved: Replaced the drum bearing" in html
    assert "2 × Drum bearing" in html and "Rated 4/5 (On site)" in html


def test_staff_page_without_coverage_or_cases(client, make, dispatcher):
    asset = make.asset(warranty=False)
    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "No warranty or contract today" in html and "No cases yet." in html


def test_staff_page_history_pages_by_ten(app, client, make, dispatcher):
    asset = make.asset()
    now = datetime.now(timezone.utc)
    for n in range(11):
        make.case(asset=asset, number=f"C-2025-{n + 1:05d}", description=f"Issue number {n:02d}",
                  created_at=now - timedelta(days=30 - n))

    first = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    second = client.get(f"/a/{asset.qr_token}?page=2").get_data(as_text=True)

    assert "Page 1 of 2" in first and "Issue number 10" in first and "Issue number 01" in first
    assert "Issue number 00" not in first
    assert "Page 2 of 2" in second and "Issue number 00" in second and "Issue number 01" not in second


@pytest.mark.parametrize("page", ["0", "x", "²"], ids=["zero", "word", "superscript-two"])
def test_staff_page_refuses_a_bad_page(client, make, dispatcher, page):
    asset = make.asset()
    response = client.get(f"/a/{asset.qr_token}", query_string={"page": page})
    assert response.status_code == 400
    assert "The page must be a positive number." in response.get_data(as_text=True)


def test_staff_page_far_beyond_the_end_shows_no_cases_and_a_number_past_any_page_is_refused(client, make, dispatcher):
    asset = make.asset()
    make.case(asset=asset, description="The drum squeaks.")
    beyond = client.get(f"/a/{asset.qr_token}", query_string={"page": "99999"})
    html = beyond.get_data(as_text=True)
    assert beyond.status_code == 200
    assert asset.serial_number in html and "No cases yet." in html and "The drum squeaks." not in html
    huge = client.get(f"/a/{asset.qr_token}", query_string={"page": "99999999999999999999"})
    assert huge.status_code == 400
    assert "The page must be a positive number." in huge.get_data(as_text=True)


def test_a_technician_sees_the_history_but_no_case_form(client, auth, make):
    """Every technician keeps a product's technical history; the customer's own words (and name)
    only a technician with a visit for this customer."""
    asset = make.asset(customer=make.customer(name="Grace Hopper"))
    case = make.case(asset=asset, description="Leaks at the back, ring Grace on 06 1234", channel=Channel.QR)
    make.visit(make.user(Role.TECHNICIAN, name="Ann Fixer"), case, status=VisitStatus.COMPLETED,
               outcome=Outcome.RESOLVED, actions_taken="Replaced the door seal")
    me = auth.as_role(Role.TECHNICIAN)

    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Replaced the door seal" in html and case.number in html
    assert "Leaks at the back" not in html and "Grace" not in html
    assert "in the customer's words" in html
    assert f'href="/cases/{case.id}"' not in html  # technicians do not open cases
    assert "Open a new case for this product" not in html and "Edit product and coverage" not in html

    make.visit(me, make.case(asset=asset))  # now this technician has a visit for this customer
    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Leaks at the back, ring Grace" in html


def test_a_dispatcher_opens_a_case_from_the_staff_page_and_lands_on_it(app, client, make, dispatcher):
    customer = make.customer(name="Linus T.")
    asset = make.asset(customer=customer)
    page = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    assert "Open a new case for this product" in page

    response = client.post(f"/assets/{asset.id}/cases", data={
        "channel": "email", "case_type": "repair", "priority": "high",
        "description": "  Water on the kitchen floor  "})

    assert response.status_code == 303
    with app.app_context():
        [case] = db.session.scalars(select(Case)).all()
        year = clock.today().year
        assert re.fullmatch(rf"C-{year}-\d{{5}}", case.number)
        assert (case.asset_id, case.customer_id, case.channel, case.status, case.priority, case.description) == (
            asset.id, customer.id, Channel.EMAIL, CaseStatus.NEW, Priority.HIGH, "Water on the kitchen floor")
        assert case.created_by_id == dispatcher.id
    assert response.headers["Location"] == f"/cases/{case.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Case {case.number} opened" in html and "Water on the kitchen floor" in html

    product = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)
    line = re.search(rf'<a class="mono" href="/cases/{case.id}">{case.number}</a>(.*?)</p>', product, re.S).group(1)
    assert " · Email · " in line and '<span class="badge badge--new">New</span>' in line


def test_case_numbers_follow_on(app, client, make, dispatcher):
    asset = make.asset()
    for text in ("First problem", "Second problem"):
        client.post(f"/assets/{asset.id}/cases", data={"channel": "phone", "case_type": "repair",
                                                       "priority": "normal", "description": text})
    with app.app_context():
        numbers = db.session.scalars(select(Case.number).order_by(Case.id)).all()
    assert len(numbers) == 2
    first, second = (int(n.rsplit("-", 1)[1]) for n in numbers)
    assert second == first + 1


@pytest.mark.parametrize("description", ["", "   "])
def test_opening_a_case_needs_a_description(app, client, make, dispatcher, description):
    asset = make.asset()
    response = client.post(f"/assets/{asset.id}/cases", data={
        "channel": "phone", "case_type": "repair", "priority": "normal", "description": description})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Describe the problem." in html and "Open a new case for this product" in html
    assert count(app, Case) == 0


def test_opening_a_case_with_an_unknown_channel_is_refused(app, client, make, dispatcher):
    asset = make.asset()
    response = client.post(f"/assets/{asset.id}/cases", data={
        "channel": "pigeon", "case_type": "repair", "priority": "normal", "description": "Broken"})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    assert count(app, Case) == 0


# --- Scanning and finding by serial -----------------------------------------------------------------------

def test_the_scan_page_opens_for_staff(client, auth):
    auth.as_role(Role.TECHNICIAN)
    html = client.get("/scan/").get_data(as_text=True)
    assert "Scan a product label" in html and 'name="serial"' in html


@pytest.mark.parametrize("typed", ["XK-900-A", "xk-900-a", "  Xk-900-A  "])
def test_scan_by_serial_opens_the_product(client, auth, make, typed):
    asset = make.asset(serial_number="XK-900-A")
    auth.as_role(Role.TECHNICIAN)
    response = client.get("/scan/serial", query_string={"serial": typed})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/a/{asset.qr_token}"


def test_scan_of_an_unknown_serial_says_so(client, auth, make):
    make.asset(serial_number="XK-900-A")
    auth.as_role(Role.TECHNICIAN)
    response = client.get("/scan/serial", query_string={"serial": "NOPE-1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "No product with serial number NOPE-1" in html and 'value="NOPE-1"' in html


@pytest.mark.parametrize("typed", ["", "   "])
def test_scan_of_an_empty_serial_asks_for_it(client, auth, typed):
    auth.as_role(Role.DISPATCHER)
    response = client.get("/scan/serial", query_string={"serial": typed})
    assert response.status_code == 422
    assert "Type the serial number printed on the product." in response.get_data(as_text=True)
