"""The catalog for the office: product models (terms, bounded numbers, unique number, removal only
when unused), their education material (http(s) links only, FAQ) as the product's public QR page
shows it, and the parts catalog (unique SKU, deactivation; technicians only find active parts)."""
import re
import uuid

import pytest
from sqlalchemy import select

from fieldapp.domain import DomainError
from fieldapp.extensions import db
from fieldapp.links import is_http_url
from fieldapp.models import AuditEvent, FaqEntry, Part, ProductModel, ProductResource, ResourceKind, Role
from fieldapp.services import catalog, parts
from tests.conftest import load_row

MODEL = {"name": "AquaPure 500", "model_number": "AP-500", "category": "Water", "specifications": "500 L resin",
         "warranty_months": "24", "warranty_terms": "Parts and labour.", "maintenance_interval_months": "12",
         "return_window_days": "30", "return_conditions": "Unused, in the box.",
         "care_tips": "Top up salt.\nKeep it frost-free."}


def new(**data) -> dict:
    return {**data, "client_id": str(uuid.uuid4())}


def model_rows(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(m.model_number, m.name) for m in db.session.scalars(select(ProductModel).order_by(ProductModel.id))]


# --- Links: http(s) only ------------------------------------------------------------------------------

@pytest.mark.parametrize("url, ok", [
    ("https://example.com/manual.pdf", True),
    ("http://example.com", True),
    ("HTTPS://EXAMPLE.COM/a", True),
    ("https://videos.example.com/ap-300/start?t=30#intro", True),
    ("https://example.com:8443/x", True),
    ("javascript:alert(1)", False),
    ("JavaScript:alert(1)", False),
    (" https://x", False),
    ("https://x ", False),
    ("https://exa mple.com", False),
    ("ftp://example.com/file", False),
    ("//evil.example", False),
    ("/relative/path", False),
    ("example.com/manual.pdf", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("https://", False),
    ("https:///path", False),
    ("https:example.com", False),
    ("https://user:pass@evil.example", False),
    ("https://example.com@evil.example", False),
    ("https://example.com:99999/", False),
    ("https:\\\\evil.example", False),
    ('https://example.com/"onmouseover=x', False),
    ("https://example.com/\x00", False),
    ("https://example.com/\u202etxt", False),
    ("https://example.com/" + "a" * 481, False),  # 501 characters
    ("https://example.com/" + "a" * 480, True),  # 500
    ("", False),
])
def test_links_must_be_absolute_http_or_https(url, ok):
    assert is_http_url(url) is ok


# --- Product models -----------------------------------------------------------------------------------

def test_list_searches_and_counts_registered_products(client, dispatcher, make):
    heat = make.product_model(name="ThermaHeat HP-9", model_number="HP-9", category="Heating")
    make.product_model(name="CoolBreeze", model_number="CB-35", category="Cooling")
    make.asset(product_model=heat)
    make.asset(product_model=heat)

    html = client.get("/catalog/models?q=heating").get_data(as_text=True)

    assert "ThermaHeat HP-9" in html and "CoolBreeze" not in html
    row = html[html.index("ThermaHeat HP-9"):html.index("</tr>", html.index("ThermaHeat HP-9"))]
    assert "<td>2</td>" in row
    assert 'href="/catalog/parts"' in html


def test_list_is_paged(client, dispatcher, make):
    for n in range(catalog.PAGE_SIZE + 2):
        make.product_model(name=f"Model {n:03d}", model_number=f"PM-{n:03d}")
    first = client.get("/catalog/models").get_data(as_text=True)
    second = client.get("/catalog/models?page=2").get_data(as_text=True)
    assert "Model 000" in first and "Model 026" not in first
    assert "Model 026" in second and "Page 2 of 2" in second


def test_create_a_model_and_edit_it(app, client, dispatcher):
    response = client.post("/catalog/models/new", data=new(**MODEL))
    assert response.status_code == 303
    [(number, name)] = model_rows(app)
    assert (number, name) == ("AP-500", "AquaPure 500")
    model_url = response.headers["Location"]

    response = client.post(model_url, data={**MODEL, "maintenance_interval_months": "", "return_window_days": "0",
                                            "care_tips": "Descale monthly."})

    assert response.status_code == 303
    model_id = int(re.search(r"/catalog/models/(\d+)", model_url).group(1))
    saved = load_row(app, ProductModel, model_id)
    assert saved.maintenance_interval_months is None and saved.return_window_days == 0
    assert saved.care_tip_list == ["Descale monthly."] and not saved.returns_allowed
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["product_model.created", "product_model.updated"]


@pytest.mark.parametrize("field, value, message", [
    ("warranty_months", "121", "Enter 0 to 120 months."),
    ("warranty_months", "-1", "Enter 0 to 120 months."),
    ("warranty_months", "", "Enter the warranty in months"),
    ("maintenance_interval_months", "0", "Enter 1 to 120 months, or leave it empty."),
    ("maintenance_interval_months", "121", "Enter 1 to 120 months, or leave it empty."),
    ("return_window_days", "366", "Enter 0 to 365 days."),
    ("return_window_days", "ten", "Not a valid integer value."),
])
def test_numbers_out_of_bounds_are_refused_keeping_what_was_typed(app, client, dispatcher, make, field, value, message):
    model = make.product_model(model_number="KEEP-1")
    response = client.post(f"/catalog/models/{model.id}", data={**MODEL, field: value, "name": "Typed name"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'value="Typed name"' in html
    assert re.search(rf'<input[^>]*name="{field}"[^>]*value="{value}"', html)
    assert load_row(app, ProductModel, model.id).name == model.name


def test_a_duplicate_model_number_is_refused_at_the_field(app, client, dispatcher, make):
    make.product_model(model_number="AP-500")
    response = client.post("/catalog/models/new", data=new(**{**MODEL, "model_number": "ap-500"}))

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert re.search(r'id="model_number-error">Another model already has this model number.', html)
    assert 'value="AquaPure 500"' in html
    assert len(model_rows(app)) == 1


def test_a_model_with_products_cannot_be_removed(app, client, dispatcher, make):
    model = make.product_model()
    make.asset(product_model=model)

    page = client.get(f"/catalog/models/{model.id}").get_data(as_text=True)
    response = client.post(f"/catalog/models/{model.id}/remove")

    assert "cannot be removed: 1 product is registered with it" in page
    assert f"/catalog/models/{model.id}/remove" not in page
    assert response.status_code == 409
    assert "1 product is registered with this model" in response.get_data(as_text=True)
    assert load_row(app, ProductModel, model.id) is not None


def test_an_unused_model_is_removed_with_its_material(app, client, dispatcher, make):
    model = make.product_model()
    resource = make.product_resource(model)
    entry = make.faq_entry(model)

    response = client.post(f"/catalog/models/{model.id}/remove")

    assert response.status_code == 303 and response.headers["Location"] == "/catalog/models"
    assert load_row(app, ProductModel, model.id) is None
    assert load_row(app, ProductResource, resource.id) is None and load_row(app, FaqEntry, entry.id) is None


def test_technicians_are_kept_out(client, auth, make):
    auth.as_role(Role.TECHNICIAN)
    model = make.product_model()
    assert client.get("/catalog/models").status_code == 403
    assert client.post(f"/catalog/models/{model.id}", data=MODEL).status_code == 403
    assert "/catalog/models" not in client.get("/account/").get_data(as_text=True)


# --- Manuals, videos and FAQ ------------------------------------------------------------------------------

def test_add_edit_and_remove_a_link(app, client, dispatcher, make):
    model = make.product_model()
    response = client.post(f"/catalog/models/{model.id}/resources",
                           data=new(kind="video", title="Getting started", url="https://videos.example.com/start"))
    assert response.status_code == 303 and response.headers["Location"].endswith("#resources")
    with app.app_context():
        [resource] = db.session.scalars(select(ProductResource)).all()
        resource_id = resource.id
    assert resource.kind is ResourceKind.VIDEO

    response = client.post(f"/catalog/models/{model.id}/resources/{resource_id}",
                           data={"kind": "manual", "title": "Manual", "url": "HTTPS://EXAMPLE.COM/a"})
    assert response.status_code == 303
    assert load_row(app, ProductResource, resource_id).url == "HTTPS://EXAMPLE.COM/a"

    assert client.post(f"/catalog/models/{model.id}/resources/{resource_id}/remove").status_code == 303
    assert load_row(app, ProductResource, resource_id) is None
    # A second tap finds nothing left to remove: no error.
    assert client.post(f"/catalog/models/{model.id}/resources/{resource_id}/remove").status_code == 303


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "//evil.example", "ftp://x.example"])
def test_a_link_that_is_not_http_is_refused_at_the_field(app, client, dispatcher, make, url):
    model = make.product_model()
    resource = make.product_resource(model)

    added = client.post(f"/catalog/models/{model.id}/resources", data=new(kind="manual", title="Bad", url=url))
    edited = client.post(f"/catalog/models/{model.id}/resources/{resource.id}",
                         data={"kind": "manual", "title": "Bad", "url": url})

    for response in (added, edited):
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Enter a full web address starting with https://" in html
        assert 'value="Bad"' in html
    assert load_row(app, ProductResource, resource.id).url == resource.url
    with app.app_context():
        assert db.session.scalar(select(ProductResource).where(ProductResource.title == "Bad")) is None


def test_a_link_of_another_model_is_not_found(client, dispatcher, make):
    resource = make.product_resource(make.product_model())
    other = make.product_model()
    response = client.post(f"/catalog/models/{other.id}/resources/{resource.id}",
                           data={"kind": "manual", "title": "x", "url": "https://example.com"})
    assert response.status_code == 404


def test_faq_entries_are_added_in_order_edited_and_removed(app, client, dispatcher, make):
    model = make.product_model()
    for question in ("First?", "Second?"):
        assert client.post(f"/catalog/models/{model.id}/faq",
                           data=new(question=question, answer="Yes.", position="")).status_code == 303
    with app.app_context():
        entries = db.session.scalars(select(FaqEntry).order_by(FaqEntry.id)).all()
        first, second = [(e.id, e.position) for e in entries]
    assert first[1] < second[1]  # an empty order puts it last

    response = client.post(f"/catalog/models/{model.id}/faq/{first[0]}",
                           data={"question": "First, now last?", "answer": "Indeed.", "position": "9"})
    assert response.status_code == 303
    html = client.get(f"/catalog/models/{model.id}").get_data(as_text=True)
    preview = html[html.index('id="preview"'):]
    assert preview.index("Second?") < preview.index("First, now last?")

    bad = client.post(f"/catalog/models/{model.id}/faq/{first[0]}",
                      data={"question": "Kept question", "answer": "", "position": "1000"})
    assert bad.status_code == 422
    assert "Enter the answer." in bad.get_data(as_text=True) and "Enter 0 to 999." in bad.get_data(as_text=True)
    assert 'value="Kept question"' in bad.get_data(as_text=True)

    assert client.post(f"/catalog/models/{model.id}/faq/{first[0]}/remove").status_code == 303
    assert load_row(app, FaqEntry, first[0]) is None


def test_the_model_page_previews_what_customers_see(client, dispatcher, make):
    model = make.product_model(care_tips="Wipe the display.")
    make.product_resource(model, title="User manual", url="https://support.example.com/m.pdf")
    make.faq_entry(model, question="Is it loud?", answer="No.")
    asset = make.asset(product_model=model)

    html = client.get(f"/catalog/models/{model.id}").get_data(as_text=True)

    preview = html[html.index('id="preview"'):html.index('id="remove"')]
    assert "Wipe the display." in preview and "User manual" in preview and "<summary>Is it loud?</summary>" in preview
    assert f'href="/a/{asset.qr_token}"' in preview


# --- The public QR page --------------------------------------------------------------------------------

def test_the_public_page_shows_the_faq_escaped_and_only_http_links(app, client, make):
    model = make.product_model()
    make.faq_entry(model, question='<b hx-post="/admin">Loud?</b>', answer="<script>alert(1)</script>\nNo.")
    make.product_resource(model, kind=ResourceKind.VIDEO, title="How to start", url="https://videos.example.com/s")
    make.product_resource(model, title="Old bad row", url="javascript:alert(1)")  # typed before the check
    asset = make.asset(product_model=model)

    html = client.get(f"/a/{asset.qr_token}").get_data(as_text=True)

    assert "<details" in html and "&lt;b hx-post=&#34;/admin&#34;&gt;Loud?&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert ('<a href="https://videos.example.com/s" rel="noopener noreferrer" target="_blank">How to start</a>'
            in html)
    assert "javascript:" not in html and "Old bad row" not in html


def test_the_public_page_hides_the_help_section_when_there_is_nothing(client, make):
    model = make.product_model(name="Plain Fridge", care_tips=None)
    asset = make.asset(product_model=model)
    response = client.get(f"/a/{asset.qr_token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Plain Fridge" in html  # the customer's page itself
    assert "Manuals and help" not in html


# --- Parts ---------------------------------------------------------------------------------------------

def parts_listed(html: str) -> list[str]:
    return re.findall(r'<td class="mono"><a href="/catalog/parts/\d+">([^<]*)</a></td>', html)


def test_parts_search_filter_and_paging(client, dispatcher, make):
    make.part(sku="HP-FAN-01", name="Heat pump fan")
    make.part(sku="HP-OLD-01", name="Old heat pump board", active=False)
    make.part(sku="WM-PMP-01", name="Drain pump")

    assert parts_listed(client.get("/catalog/parts?q=hp").get_data(as_text=True)) == ["HP-FAN-01"]
    assert parts_listed(client.get("/catalog/parts?q=hp&status=inactive").get_data(as_text=True)) == ["HP-OLD-01"]
    assert sorted(parts_listed(client.get("/catalog/parts?q=pump&status=all").get_data(as_text=True))) == [
        "HP-FAN-01", "HP-OLD-01", "WM-PMP-01"]
    assert client.get("/catalog/parts?status=deleted").status_code == 400
    for n in range(catalog.PAGE_SIZE):
        make.part(sku=f"ZZ-{n:03d}", name=f"Zz part {n:03d}")
    second = client.get("/catalog/parts?page=2").get_data(as_text=True)
    assert parts_listed(second) == ["ZZ-023", "ZZ-024"]


def test_create_edit_and_deactivate_a_part(app, client, dispatcher, make):
    response = client.post("/catalog/parts/new",
                           data=new(sku="CB-FLT-09", name="Filter set", unit_price="€ 24,50", active="y"))
    assert response.status_code == 303
    with app.app_context():
        part = db.session.scalar(select(Part).where(Part.sku == "CB-FLT-09"))
        part_id = part.id
    assert part.unit_price_cents == 2450 and part.active

    page = client.get(f"/catalog/parts/{part_id}").get_data(as_text=True)
    assert 'value="24.50"' in page
    response = client.post(f"/catalog/parts/{part_id}", data={"sku": "CB-FLT-09", "name": "Filter set (2)",
                                                              "unit_price": "26"})
    assert response.status_code == 303
    assert load_row(app, Part, part_id).unit_price_cents == 2600

    response = client.post(f"/catalog/parts/{part_id}/deactivate",
                           headers={"Referer": "http://localhost/catalog/parts?q=cb&status=all"})
    assert response.status_code == 303 and response.headers["Location"] == "/catalog/parts?q=cb&status=all"
    assert not load_row(app, Part, part_id).active
    assert client.post(f"/catalog/parts/{part_id}/reactivate",
                       headers={"Referer": "https://evil.example/catalog/parts"}).headers["Location"] == "/catalog/parts"
    assert load_row(app, Part, part_id).active


@pytest.mark.parametrize("data, status, message", [
    ({"sku": "p-0001"}, 409, "Another part already has this SKU."),
    ({"sku": "HAS SPACE"}, 422, "Use letters, digits and . _ / - only"),
    ({"unit_price": "-1"}, 422, "The amount cannot be negative."),
    ({"unit_price": ""}, 422, "Enter the price, like 12.50."),
    ({"name": " "}, 422, "Enter the part&#39;s name."),
])
def test_bad_parts_are_refused_keeping_the_input(app, client, dispatcher, make, data, status, message):
    make.part(sku="P-0001")
    response = client.post("/catalog/parts/new", data=new(**{"sku": "NEW-1", "name": "Typed part",
                                                              "unit_price": "5", **data}))
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in html
    with app.app_context():
        assert db.session.scalar(select(Part).where(Part.sku != "P-0001")) is None


def test_a_part_used_on_a_visit_is_kept_and_only_deactivated(app, client, dispatcher, make):
    visit = make.visit()
    row = make.visit_part(visit)
    html = client.get(f"/catalog/parts/{row.part_id}").get_data(as_text=True)
    assert "Used on 1 visit line, which keep it." in html and "Delete" not in html
    client.post(f"/catalog/parts/{row.part_id}/deactivate")
    assert load_row(app, Part, row.part_id) is not None


def test_technicians_are_offered_only_active_parts(app, client, auth, make):
    tech = auth.as_role(Role.TECHNICIAN)
    visit = make.visit(tech)
    active = make.part(sku="FAN-NEW", name="Fan motor")
    old = make.part(sku="FAN-OLD", name="Fan motor (old)", active=False)

    html = client.get(f"/visits/{visit.id}/parts/search?q=fan", headers={"HX-Request": "true"}).get_data(as_text=True)

    assert "FAN-NEW" in html and "FAN-OLD" not in html
    with app.app_context():
        assert [p.sku for p in parts.search("fan")] == [active.sku]
        with pytest.raises(DomainError):
            parts.active_part(old.id)
