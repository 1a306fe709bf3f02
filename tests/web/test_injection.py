"""Nothing typed by a user becomes markup. Every text column of a whole demo company is filled
with an HTML/htmx payload, then every main page is opened by every audience: the payload must
always arrive escaped. No template marks data safe, and no code builds markup from data."""
import re
from pathlib import Path

import pytest
from sqlalchemy import Enum, String, select, update

from fieldapp import clock
from fieldapp.extensions import db
from fieldapp.models import Asset, Role, User, Visit
from fieldapp.services import field_team

PAYLOAD = "\"'&<i hx-get=/x>"
RAW, ESCAPED = "<i hx-get", "&lt;i hx-get"
# Columns that are not text anyone types: secrets, tokens, file names, fixed keys, logins.
NOT_TYPED = {
    ("users", "email"), ("users", "password_hash"), ("users", "pin_hash"), ("assets", "qr_token"),
    ("retired_labels", "token"), ("visit_photos", "stored_name"), ("applied_writes", "client_id"),
    ("user_sessions", "token_hash"), ("number_sequences", "name"), ("failed_logins", "email"),
    ("failed_logins", "client"),
}
DEMO_PASSWORD = "fieldapp-demo"
ROOT = Path(__file__).resolve().parents[2] / "fieldapp"


def _poison_every_text_column() -> int:
    poisoned = 0
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String) and not isinstance(c.type, Enum)
                   and (table.name, c.name) not in NOT_TYPED]
        if not columns:
            continue
        key = list(table.primary_key.columns)[0]
        for (pk,) in db.session.execute(select(key)).all():
            values = {c.name: (PAYLOAD + str(pk))[:c.type.length] if c.type.length else PAYLOAD + str(pk)
                      for c in columns}
            db.session.execute(update(table).where(key == pk).values(**values))
            poisoned += 1
    db.session.commit()
    return poisoned


@pytest.fixture
def poisoned(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert _poison_every_text_column() > 500
        asset = db.session.scalar(select(Asset).order_by(Asset.id))
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        visit = db.session.scalar(select(Visit).where(Visit.technician_id == tech.id).order_by(Visit.id))
        assert field_team.technician_day(tech, clock.today())  # Today has visits to show
        return {"token": asset.qr_token, "asset": asset.id, "visit": visit.id, "tech_visit": visit.id}


def _sign_in(client, email):
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 303


PAGES = {
    "admin@demo.test": ["/admin/", "/admin/audit", "/admin/users/1", "/dispatch/", "/assets/", "/assets/?q=i",
                        "/assets/{asset}/edit", "/a/{token}", "/assets/labels?ids={asset}", "/assets/{asset}/qr.svg",
                        "/visits/{visit}", "/account/"],
    "dispatcher@demo.test": ["/dispatch/", "/a/{token}", "/visits/{visit}"],
    # The hand-over last: it locks the phone to the customer's screens.
    "tech@demo.test": ["/today", "/visits/{tech_visit}", "/a/{token}", "/visits/{tech_visit}/parts/search?q=a",
                       "/visits/{tech_visit}/handover/"],
    None: ["/a/{token}", "/a/{token}/rate"],
}


@pytest.mark.parametrize("email", PAGES)
def test_stored_payloads_are_escaped_on_every_page(app, poisoned, email):
    client = app.test_client()
    if email:
        _sign_in(client, email)
    shown = 0
    for path in PAGES[email]:
        response = client.get(path.format(**poisoned))
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert RAW not in html, f"unescaped payload on {path}"
        shown += ESCAPED in html or "&#34;&#39;&amp;&lt;i" in html
    assert shown >= len(PAGES[email]) - 1  # the payload really reached (nearly) every page


def test_a_serial_typed_by_a_dispatcher_cannot_act_in_an_admins_browser(app, client, auth, make):
    """The reported attack: a serial that closes the SVG attribute and adds an htmx trigger."""
    model, customer = make.product_model(), make.customer()
    victim = make.user(Role.TECHNICIAN)
    attack = f'a"><b hx-post=/admin/users/{victim.id}/active hx-trigger=load>'
    auth.as_role(Role.DISPATCHER)
    response = client.post("/assets/new", data={"product_model_id": model.id, "customer_id": customer.id,
                                                "serial_number": attack, "sales_date": "2026-01-05"})
    assert response.status_code == 303
    auth.logout()
    auth.as_role(Role.ADMIN)
    with app.app_context():
        asset = db.session.scalar(select(Asset))

    for path in (f"/a/{asset.qr_token}", f"/assets/labels?ids={asset.id}", f"/assets/{asset.id}/qr.svg"):
        html = client.get(path).get_data(as_text=True)
        assert "<b hx-post" not in html and "hx-trigger=load>" not in html, path
        assert 'aria-label="QR code for a&#34;&gt;&lt;b hx-post' in html, path


def test_no_template_marks_data_safe_and_no_code_builds_markup():
    templates = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    for path in templates:
        text = path.read_text()
        assert not re.search(r"\|\s*safe\b", text), path
        assert "autoescape false" not in text, path
    # The reviewed exceptions, rewritten for speed: WTForms' attribute renderer (it escapes every
    # key and value itself, and tests/test_forms_html.py holds it to WTForms' own escaped output);
    # the templates' gettext (every value escaped; tests/i18n/test_page_gettext.py holds it to
    # Jinja's own newstyle gettext).
    reviewed = {ROOT / "forms" / "html.py", ROOT / "languages.py"}
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        assert "|safe" not in text, path
        assert "Markup(" not in text or path in reviewed, path
