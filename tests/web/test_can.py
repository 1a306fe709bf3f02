"""Templates ask can(): no role is shown a link or a button that would answer 403.

Every main page of every role is opened on the demo company; every internal link is followed
and every form posted (empty), and none may be refused for the role."""
import re
from html import unescape

import pytest
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import Asset, User, Visit

DEMO_PASSWORD = "fieldapp-demo"
START = {
    "tech@demo.test": ["/today", "/visits/{tech_visit}", "/a/{token}", "/scan/", "/account/"],
    "dispatcher@demo.test": ["/dispatch/", "/assets/", "/a/{token}", "/visits/{visit}", "/assets/{asset}/edit",
                             "/account/"],
    "admin@demo.test": ["/admin/", "/admin/users/{tech}", "/dispatch/", "/a/{token}", "/visits/{visit}",
                        "/assets/{asset}/edit"],
}
FORM = re.compile(r'<form[^>]*\bmethod="post"[^>]*\baction="([^"]+)"', re.I)
LINK = re.compile(r'<a [^>]*href="(/[^"#]*)', re.I)
SKIP = ("/logout", "/account/sessions/end", "/static/", "/a/")  # signing out ends the crawl; /a/ is public


@pytest.fixture
def app(new_app):
    """The demo company, copied from the suite's template (seeding it costs seconds)."""
    return new_app(template="demo")


@pytest.fixture
def demo(app):
    with app.app_context():
        tech = db.session.scalar(select(User).where(User.email == "tech@demo.test"))
        return {"tech": tech.id, "token": db.session.scalar(select(Asset.qr_token).order_by(Asset.id)),
                "asset": db.session.scalar(select(Asset.id).order_by(Asset.id)),
                "visit": db.session.scalar(select(Visit.id).order_by(Visit.id)),
                "tech_visit": db.session.scalar(select(Visit.id).where(Visit.technician_id == tech.id)
                                                .order_by(Visit.id))}


@pytest.mark.parametrize("email", START)
def test_no_link_or_button_leads_to_a_403(app, demo, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 303
    links, forms = set(), set()
    for path in START[email]:
        html = client.get(path.format(**demo)).get_data(as_text=True)
        links |= {unescape(href) for href in LINK.findall(html)}
        forms |= {unescape(action) for action in FORM.findall(html)}
    assert forms, "the pages offer no forms at all"

    refused = [f"GET {href}" for href in sorted(links) if not href.startswith(SKIP)
               and client.get(href).status_code == 403]
    refused += [f"POST {action}" for action in sorted(forms) if not action.startswith(SKIP)
                and client.post(action, data={}).status_code == 403]

    assert refused == []
