"""Hostile input found by an outside security test, each hole with its class: file names in
headers, money and ids parsed before they reach the database, photos that fail to decode late,
control characters in any text. Bad input is a 4xx with a clear message; nothing half-saved."""
from __future__ import annotations

import html
import importlib
import inspect
import io
import pkgutil
import re
import struct
import zlib
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from flask_wtf import FlaskForm
from PIL import Image
from sqlalchemy import func, select
from wtforms import IntegerField, SelectField
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

import fieldapp
import fieldapp.forms
from fieldapp.extensions import db
from fieldapp.models import Asset, Case, Coverage, Role, Visit, VisitPart, VisitPhoto, VisitStatus
from tests.conftest import HX, PASSWORD, cid, load_row

CONTROL = "Remove the invisible control characters"
AMOUNT = "Enter an amount like 12.50."


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def error_at_field(page: str, message: str) -> bool:
    """The message inside a field's error paragraph (the form macro's `field__error`)."""
    errors = re.findall(r'<p class="field__error"[^>]*>(.*?)</p>', page, re.S)
    return any(message in html.unescape(error) for error in errors)


@pytest.fixture
def tech(auth):
    return auth.as_role(Role.TECHNICIAN)


@pytest.fixture
def on_site(make, tech):
    return make.visit(tech, status=VisitStatus.ON_SITE, arrived_at=datetime.now(timezone.utc))


# --- 1. Names in Content-Disposition ---------------------------------------------------------------

HOSTILE_SERIALS = {
    "check mark": ("SN-✓-1", "SN-✓-1"),
    "emoji": ("SN-😀", "SN-😀"),
    "bidi override": ("SN-1\u202egnp.exe", "SN-1gnp.exe"),
    "full-width digits": ("SN-１２３", "SN-１２３"),
    "quote": ('SN-1"; filename="evil.exe', 'SN-1"; filename="evil.exe'),
    "line break": ("SN-1\r\nSet-Cookie: a=b", "SN-1Set-Cookie: a=b"),
}


@pytest.mark.parametrize("serial, shown", HOSTILE_SERIALS.values(), ids=HOSTILE_SERIALS.keys())
def test_the_qr_png_names_any_serial_in_an_ascii_safe_header(client, make, tech, serial, shown):
    asset = make.asset(serial_number=serial)

    response = client.get(f"/assets/{asset.id}/qr.png")

    assert response.status_code == 200 and response.mimetype == "image/png"
    header = response.headers["Content-Disposition"]
    assert header.isascii() and not re.search(r"[\x00-\x1f\x7f]", header)
    match = re.fullmatch(r"inline; filename=\"([A-Za-z0-9_.-]+)\"; filename\*=UTF-8''([A-Za-z0-9%_.~-]+)", header)
    assert match, header
    assert match[1].startswith("label-SN") and match[1].endswith(".png")
    assert unquote(match[2]) == f"label-{shown}.png"


def test_the_photo_download_name_comes_from_the_same_helper(client, make, tech, on_site):
    photo = make.photo(on_site)
    response = client.get(f"/visits/{on_site.id}/photos/{photo.id}")
    name = f"visit-{on_site.id}-photo-{photo.id}.jpg"
    assert response.headers["Content-Disposition"] == f"inline; filename=\"{name}\"; filename*=UTF-8''{name}"
    response.close()


def test_every_content_disposition_in_the_code_is_built_by_the_one_helper():
    root = Path(fieldapp.__file__).parent
    hand_made = [f"{path.relative_to(root)}: {line.strip()}"
                 for path in root.rglob("*.py") if path.name != "downloads.py"
                 for line in path.read_text(encoding="utf-8").splitlines()
                 if "Content-Disposition" in line and "content_disposition(" not in line]
    assert hand_made == []


# --- 2. Money ------------------------------------------------------------------------------------------

HOSTILE_AMOUNTS = [
    ("1e999999", AMOUNT),  # was decimal.Overflow: a 500
    ("1E+249998", AMOUNT),  # was seconds of CPU converting to int before the range check
    ("1e2", AMOUNT),
    (" ", "Enter the transport cost, or 0."),  # was NOT NULL: a 500
    ("€", AMOUNT),
    ("€€", AMOUNT),
    ("１２", AMOUNT),
    ("NaN", AMOUNT),
    ("Infinity", AMOUNT),
    ("0x10", AMOUNT),
    ("9" * 60, AMOUNT),
    ("9" * 30, "That amount is too large."),
    ("100000.01", "That amount is too large."),
    ("-0.01", "The amount cannot be negative."),
    ("12.505", "at most two decimals"),
]


@pytest.mark.parametrize("amount, message", HOSTILE_AMOUNTS)
def test_a_hostile_transport_cost_is_refused_at_the_field(app, client, make, on_site, amount, message):
    before = load_row(app, Visit, on_site.id).transport_cost_cents

    response = client.post(f"/visits/{on_site.id}/fields/transport_cost", headers=HX,
                           data={"client_id": cid(), "amount": amount})

    assert response.status_code == 422
    assert error_at_field(response.get_data(as_text=True), message)
    assert load_row(app, Visit, on_site.id).transport_cost_cents == before


@pytest.mark.parametrize("amount, cents", [("12.50", 1250), ("12,50", 1250), ("€ 12.50", 1250), ("0", 0),
                                           ("€12", 1200), (" 7,5 ", 750), ("100000", 10_000_000)])
def test_amounts_typed_the_usual_ways_are_saved(app, client, on_site, amount, cents):
    response = client.post(f"/visits/{on_site.id}/fields/transport_cost", headers=HX,
                           data={"client_id": cid(), "amount": amount})
    assert response.status_code == 200
    assert load_row(app, Visit, on_site.id).transport_cost_cents == cents


@pytest.mark.parametrize("unit_cost", ["1e999999", "1E+249998", "€€", "€", "１２", "-1"])
def test_a_hostile_unit_cost_adds_no_part(app, client, make, on_site, unit_cost):
    part = make.part()
    response = client.post(f"/visits/{on_site.id}/parts/", headers=HX, data={
        "client_id": cid(), "part_id": part.id, "quantity": "1", "unit_cost": unit_cost})
    assert response.status_code == 422
    assert "Check the part: " in response.get_data(as_text=True)
    assert count(app, VisitPart) == 0


@pytest.mark.parametrize("unit_cost", [" ", "€", "€€", "1e999999", "1E+249998", "１２"])
def test_a_hostile_unit_cost_changes_no_part(app, client, make, on_site, unit_cost):
    row = make.visit_part(on_site, unit_cost_cents=900)
    response = client.post(f"/visits/{on_site.id}/parts/{row.id}", headers=HX, data={
        "client_id": cid(), "quantity": "2", "unit_cost": unit_cost})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_at_field(page, "Enter the unit cost." if not unit_cost.strip() else "Enter an amount")
    assert (load_row(app, VisitPart, row.id).quantity, load_row(app, VisitPart, row.id).unit_cost_cents) == (1, 900)


@pytest.mark.parametrize("typed, cents", [("12.50", 1250), ("12,50", 1250), ("€ 12.50", 1250), ("0", 0)])
def test_part_costs_typed_the_usual_ways_are_saved(app, client, make, on_site, typed, cents):
    part = make.part(unit_price_cents=4900)
    added = client.post(f"/visits/{on_site.id}/parts/", headers=HX, data={
        "client_id": cid(), "part_id": part.id, "quantity": "1", "unit_cost": typed})
    with app.app_context():
        row_id = db.session.scalar(select(VisitPart.id))
    changed = client.post(f"/visits/{on_site.id}/parts/{row_id}", headers=HX, data={
        "client_id": cid(), "quantity": "1", "unit_cost": typed})
    assert (added.status_code, changed.status_code) == (200, 200)
    assert load_row(app, VisitPart, row_id).unit_cost_cents == cents


def test_an_empty_unit_cost_when_adding_takes_the_catalog_price(app, client, make, on_site):
    part = make.part(unit_price_cents=4900)
    response = client.post(f"/visits/{on_site.id}/parts/", headers=HX, data={
        "client_id": cid(), "part_id": part.id, "quantity": "1", "unit_cost": " "})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(VisitPart.unit_cost_cents)) == 4900


# --- 3. Ids in forms -----------------------------------------------------------------------------------

@pytest.mark.parametrize("part_id", ["99999999999999999999", "2147483648", "0", "-1", "1.5", "１", "1e3", "",
                                     " ", "1\x00", "9" * 5000])
def test_a_part_id_out_of_range_or_not_a_number_adds_nothing(app, client, make, on_site, part_id):
    make.part()
    response = client.post(f"/visits/{on_site.id}/parts/", headers=HX, data={
        "client_id": cid(), "part_id": part_id, "quantity": "1"})
    assert response.status_code == 422
    assert "Choose a part from the search." in response.get_data(as_text=True)
    assert count(app, VisitPart) == 0


@pytest.mark.parametrize("field", ["product_model_id", "customer_id"])
@pytest.mark.parametrize("value", ["99999999999999999999", "1e3", "-1", ""])
def test_a_chosen_id_out_of_range_registers_nothing(app, client, make, dispatcher, field, value):
    data = {"product_model_id": make.product_model().id, "customer_id": make.customer().id,
            "serial_number": "WM-1", "sales_date": "2024-03-15", field: value}
    response = client.post("/assets/new", data=data)
    message = "Choose the model." if field == "product_model_id" else "Choose the customer."
    assert response.status_code == 422 and error_at_field(response.get_data(as_text=True), message)
    assert count(app, Asset) == 0


def form_classes() -> list[type]:
    """Every FlaskForm subclass defined in a module of fieldapp.forms."""
    found = {}
    for info in pkgutil.iter_modules(fieldapp.forms.__path__, "fieldapp.forms."):
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__.startswith("fieldapp.forms"):
                found[f"{cls.__module__}.{name}"] = cls
    found.update({f"fieldapp.forms.{n}": c for n, c in inspect.getmembers(fieldapp.forms, inspect.isclass)
                  if issubclass(c, FlaskForm) and c.__module__ == "fieldapp.forms"})
    return [found[name] for name in sorted(found)]


def declared_fields(form_cls) -> list[tuple[str, UnboundField]]:
    return [(name, value) for name in dir(form_cls) if isinstance(value := getattr(form_cls, name), UnboundField)]


def test_every_id_in_every_form_is_a_bounded_id_field_and_every_integer_has_a_range():
    from fieldapp.forms.fields import IdField, IdSelectField

    problems = []
    for form_cls in form_classes():
        for name, unbound in declared_fields(form_cls):
            kind = unbound.field_class
            validators = unbound.kwargs.get("validators") or (unbound.args[1] if len(unbound.args) > 1 else [])
            if name.endswith("_id") and name != "client_id" and not issubclass(kind, (IdField, IdSelectField)):
                problems.append(f"{form_cls.__name__}.{name} is a {kind.__name__}, not an IdField")
            if issubclass(kind, SelectField) and unbound.kwargs.get("coerce") is int:
                problems.append(f"{form_cls.__name__}.{name} coerces with int: use IdSelectField")
            if issubclass(kind, IntegerField) and not issubclass(kind, IdField) and not any(
                    isinstance(v, NumberRange) and v.min is not None and v.max is not None for v in validators):
                problems.append(f"{form_cls.__name__}.{name} has no NumberRange with both bounds")
    assert problems == []


# --- 4. Photos that fail late ----------------------------------------------------------------------------

# A TIFF header Pillow refuses ("MMf*" is no TIFF magic), as found in the wild in EXIF blocks.
BAD_EXIF = b"MMf*" + b"\x00\x00\x00\x08" + b"\xff" * 40


def png_with_bad_exif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (10, 20, 30)).save(buffer, "PNG")
    data = buffer.getvalue()
    chunk = struct.pack(">I", len(BAD_EXIF)) + b"eXIf" + BAD_EXIF
    chunk += struct.pack(">I", zlib.crc32(b"eXIf" + BAD_EXIF) & 0xFFFFFFFF)
    idat = data.index(b"IDAT") - 4  # the chunk goes before the image data, as the spec asks
    return data[:idat] + chunk + data[idat:]


def webp_with_bad_exif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (10, 20, 30)).save(buffer, "WEBP", lossless=True, exif=BAD_EXIF)
    return buffer.getvalue()


@pytest.mark.parametrize("make_file, mimetype", [(png_with_bad_exif, "image/png"),
                                                 (webp_with_bad_exif, "image/webp")])
def test_a_photo_with_a_malformed_exif_block_is_refused(app, client, on_site, make_file, mimetype):
    data = make_file()
    assert len(data) < 200 and b"MMf*" in data

    response = client.post(f"/visits/{on_site.id}/photos/", headers=HX, content_type="multipart/form-data",
                           data={"client_id": cid(), "photo": (io.BytesIO(data), "photo", mimetype)})

    assert response.status_code == 422
    assert "That file is not a photo we can read" in response.get_data(as_text=True)
    assert count(app, VisitPhoto) == 0
    folder = Path(app.config["UPLOAD_FOLDER"]) / "visits"
    assert not folder.exists() or list(folder.iterdir()) == []


# --- 5. Control characters -----------------------------------------------------------------------------

def registration(make, **data) -> dict:
    return {"product_model_id": make.product_model().id, "customer_id": make.customer().id,
            "serial_number": "WM-2024-0001", "sales_date": "2024-03-15", "install_address": "", "notes": "",
            **data}


@pytest.mark.parametrize("serial", ["SN\x00-1", "SN-\x1b[2J", "SN-1\x7f", "SN-1\u0085", "SN-1\u202egnp",
                                    "SN-\u2066x", "SN\t1", "SN\n1"])
def test_a_serial_with_control_characters_is_refused_at_the_field(app, client, make, dispatcher, serial):
    response = client.post("/assets/new", data=registration(make, serial_number=serial))
    assert response.status_code == 422 and error_at_field(response.get_data(as_text=True), CONTROL)
    assert count(app, Asset) == 0


def test_an_edited_serial_with_nul_is_refused(app, client, make, dispatcher):
    asset = make.asset(serial_number="SN-1")
    response = client.post(f"/assets/{asset.id}/edit", data={
        "product_model_id": asset.product_model_id, "customer_id": asset.customer_id, "serial_number": "SN\x001",
        "sales_date": asset.sales_date.isoformat(), "install_address": "", "notes": ""})
    assert response.status_code == 422 and error_at_field(response.get_data(as_text=True), CONTROL)
    assert load_row(app, Asset, asset.id).serial_number == "SN-1"


def test_text_areas_keep_line_breaks_tabs_and_text_direction(app, client, make, dispatcher):
    notes = "First line\r\nsecond\tline \u202bעברית\u202c"
    response = client.post("/assets/new", data=registration(make, notes=notes))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Asset.notes)) == notes.strip()


@pytest.mark.parametrize("field, value", [("reference", "C-1\x00"), ("terms", "Parts\x00 only"),
                                          ("terms", "Bell\x07")])
def test_coverage_text_with_control_characters_is_refused(app, client, make, dispatcher, field, value):
    asset = make.asset(warranty=False)
    response = client.post(f"/assets/{asset.id}/coverages", data={
        "kind": "service_contract", "reference": "", "starts_on": "2025-01-01", "ends_on": "2025-12-31",
        "terms": "", field: value})
    assert response.status_code == 422 and error_at_field(response.get_data(as_text=True), CONTROL)
    assert count(app, Coverage) == 0


def test_a_case_description_with_nul_is_refused(app, client, make, dispatcher):
    asset = make.asset()
    response = client.post(f"/assets/{asset.id}/cases", data={
        "channel": "phone", "case_type": "repair", "priority": "normal", "description": "Noise\x00 at night"})
    assert response.status_code == 422 and error_at_field(response.get_data(as_text=True), CONTROL)
    assert count(app, Case) == 0


@pytest.mark.parametrize("field, value", [("name", "Ada\x00"), ("name", "Ada\u202e"), ("phone", "+31 6\x00 1234"),
                                          ("email", "ada\x00@example.com"), ("description", "It leaks\x00 water"),
                                          ("preferred_time", "Mornings\x1b")])
def test_the_public_request_form_refuses_control_characters(app, client, make, field, value):
    asset = make.asset()
    response = client.post(f"/a/{asset.qr_token}/request", data={
        "name": "Ada", "phone": "+31 6 5555 0000", "email": "", "description": "It leaks water underneath.",
        "preferred_time": "", "website": "", field: value})
    assert response.status_code == 422 and error_at_field(response.get_data(as_text=True), CONTROL)
    assert count(app, Case) == 0


def test_report_text_with_nul_is_refused(app, client, on_site):
    response = client.post(f"/visits/{on_site.id}/fields/actions_taken", headers=HX,
                           data={"client_id": cid(), "actions_taken": "Replaced\x00 the pump"})
    assert response.status_code == 422 and error_at_field(response.get_data(as_text=True), CONTROL)
    assert load_row(app, Visit, on_site.id).actions_taken is None


def test_signing_in_with_nul_is_refused_not_an_error(client):
    response = client.post("/login", data={"email": "tech\x00@example.com", "password": "x\x00"})
    assert response.status_code == 422 and error_at_field(response.get_data(as_text=True), CONTROL)


def test_a_bad_next_hint_is_dropped_not_an_invisible_error_at_sign_in(client, make):
    user = make.user(Role.TECHNICIAN)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/visits/1\x00"})
    assert response.status_code == 303 and response.headers["Location"] == "/today"


def test_every_form_class_inherits_the_base_form():
    from fieldapp.forms import BaseForm

    classes = form_classes()
    assert len(classes) > 20  # the walk found the forms
    assert [cls.__qualname__ for cls in classes if not issubclass(cls, BaseForm)] == []


SEARCHES = {
    "asset search": lambda visit: "/assets/?q=",
    "serial lookup": lambda visit: "/scan/serial?serial=",
    "part search": lambda visit: f"/visits/{visit.id}/parts/search?q=",
}


@pytest.mark.parametrize("typed", ["pump%00", "%1B%5B2J", "%E2%80%AEpmup", "%C2%85"])
@pytest.mark.parametrize("where", SEARCHES.keys())
def test_searches_refuse_control_characters_with_a_400(client, make, auth, where, typed):
    me = auth.as_role(Role.TECHNICIAN if where != "asset search" else Role.DISPATCHER)
    visit = make.visit(me) if where == "part search" else None
    response = client.get(SEARCHES[where](visit) + typed)
    assert response.status_code == 400
    assert "invisible control characters" in response.get_data(as_text=True)


@pytest.mark.parametrize("where, limit", [("asset search", 80), ("serial lookup", 80), ("part search", 60)])
def test_searches_refuse_overlong_text_with_a_400(client, make, auth, where, limit):
    me = auth.as_role(Role.TECHNICIAN if where != "asset search" else Role.DISPATCHER)
    visit = make.visit(me) if where == "part search" else None
    response = client.get(SEARCHES[where](visit) + "x" * (limit + 1))
    assert response.status_code == 400 and f"at most {limit} characters" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["%00", "abc%00def", "%E2%9C%93", "a" * 65, "abc%20def", "abc.def", "abc%0A"])
def test_a_token_that_is_not_url_safe_base64_is_not_recognised_without_a_query(client, make, count_queries, token):
    make.asset()
    client.get("/login")  # the company's language, read once per process (fieldapp/languages.py)
    with count_queries() as queries:
        response = client.get(f"/a/{token}")
    assert response.status_code == 404
    assert "This label is not recognised" in response.get_data(as_text=True)
    assert queries.count == 0


def test_a_real_token_still_opens_the_product(client, make):
    asset = make.asset()
    assert client.get(f"/a/{quote(asset.qr_token)}").status_code == 200


def test_other_costs_need_to_say_what_they_are_for_and_reach_the_bill(app, client, on_site):
    url = f"/visits/{on_site.id}/fields/other_cost"
    refused = client.post(url, headers=HX, data={"client_id": cid(), "other_amount": "15", "other_note": ""})
    assert refused.status_code == 422
    assert error_at_field(refused.get_data(as_text=True), "Say what the cost is for")
    assert 'value="15"' in refused.get_data(as_text=True)  # what was typed stays
    assert load_row(app, Visit, on_site.id).other_cost_cents == 0

    saved = client.post(url, headers=HX, data={"client_id": cid(), "other_amount": "15",
                                               "other_note": "Disposal of the old unit"})
    assert saved.status_code == 200
    assert "Disposal of the old unit" in saved.get_data(as_text=True)  # the bill, sent along out of band
    visit = load_row(app, Visit, on_site.id)
    assert (visit.other_cost_cents, visit.other_cost_note) == (1500, "Disposal of the old unit")
