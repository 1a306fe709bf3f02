"""Every text of every page passes through a catalog: the pages of the role × route matrix are
read in the pseudo-locale (tests/i18n/pseudo.py), with the database's texts bracketed too, and
any text left as it was is a string nobody wrapped for translation."""
from __future__ import annotations

import pytest
from flask import Blueprint, render_template_string
from sqlalchemy import String, Text, func, update
from sqlalchemy import Enum as SAEnum

from fieldapp import languages
from fieldapp.extensions import db
from fieldapp.models import CompanySettings, Role, User
from fieldapp.web.auth import public
from tests.conftest import Auth, Factory
from tests.i18n import pseudo
from tests.web.test_access import ANON, EXPECT, ROUTES, TECH, route_sample, route_url

# Columns that are not text for people: keys, secrets, machine values, addresses of things.
# (Any of these words in a column's name, split at "_".)
NOT_PROSE = {"token", "hash", "verifier", "email", "url", "path", "file", "filename", "mime", "content", "language",
             "currency", "client", "agent", "search", "data", "key", "etag", "headers", "sha", "ip", "uri", "kind",
             "field"}
READABLE = (200, 409, 422, 400)


def _prose_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.primary_key or column.foreign_keys or isinstance(column.type, SAEnum):
                continue
            if isinstance(column.type, (String, Text)) and not NOT_PROSE & set(column.name.split("_")):
                yield table, column


def bracket_the_database(app) -> None:
    """Every text stored for people, bracketed: what comes from the database reads as translated."""
    with app.app_context():
        for table, column in _prose_columns():  # line by line: pages show some texts a line at a time
            marked = pseudo.OPEN + func.replace(column, "\n", pseudo.CLOSE + "\n" + pseudo.OPEN) + pseudo.CLOSE
            db.session.execute(update(table).where(column.is_not(None), column != "",
                                                   ~column.startswith(pseudo.OPEN)).values({column: marked}))
        db.session.merge(CompanySettings(id=1, language=pseudo.PSEUDO))
        db.session.commit()
    languages.forget_company_defaults()


@pytest.fixture
def pseudo_app(new_app, tmp_path):
    folder = pseudo.write_catalog(tmp_path / "pseudo")
    return new_app(RATELIMIT_ENABLED=False, COMPANY_NAME=f"{pseudo.OPEN}Co{pseudo.CLOSE}",
                   LANGUAGES={**languages.LANGUAGES, pseudo.PSEUDO: "Pseudo"},
                   BABEL_TRANSLATION_DIRECTORIES=f"{languages.TRANSLATIONS};{folder}")


def first_role_that_reads(endpoint: str, method: str) -> str | None:
    expected = EXPECT[(endpoint, method)]
    return next((role for role in (ANON, TECH, "dispatcher", "admin") if expected[role] in READABLE), None)


def crawl(app) -> dict[str, list[str]]:
    """Each route once, as the first role that gets a page back; what was left unbracketed."""
    make = Factory(app)
    clients, samples = {}, {}
    for role in (ANON, TECH, "dispatcher", "admin"):
        client = app.test_client()
        me = Auth(client, make).as_role(Role(role)) if role != ANON else None
        clients[role] = client
        samples[role] = route_sample(make, me if role == TECH else make.user(Role.TECHNICIAN))
    urls = {}
    for endpoint, method in ROUTES:
        role = first_role_that_reads(endpoint, method)
        if role is not None:
            urls[(endpoint, method)] = (role, route_url(app, endpoint, samples[role]))
    with app.app_context():  # customers see a technician's first name: one word here, so it stays bracketed
        db.session.execute(update(User).values(name=func.replace(User.name, " ", "")))
        db.session.commit()
    bracket_the_database(app)
    found = {}
    for (endpoint, method), (role, url) in urls.items():
        response = clients[role].open(url, method=method)
        if response.mimetype == "text/html":
            left = pseudo.unmarked(response.get_data(as_text=True))
            if left:
                found[f"{method} {url} ({endpoint}, {role})"] = left
    return found


def test_every_page_of_the_matrix_speaks_only_through_the_catalog(pseudo_app):
    found = crawl(pseudo_app)
    report = "\n".join(f"{page}: {texts[:8]}" for page, texts in sorted(found.items()))
    assert found == {}, f"texts not wrapped for translation:\n{report}"


def test_a_hard_coded_label_is_caught(new_app, tmp_path):
    """The check finds a label someone typed into a page without wrapping it."""
    folder = pseudo.write_catalog(tmp_path / "pseudo")
    app = new_app(LANGUAGES={**languages.LANGUAGES, pseudo.PSEUDO: "Pseudo"},
                  BABEL_TRANSLATION_DIRECTORIES=f"{languages.TRANSLATIONS};{folder}")
    extra = Blueprint("extra", __name__)

    @extra.get("/extra")
    @public
    def extra_page():
        return render_template_string(
            '{% extends "base.html" %}{% block content %}<h1>{{ _("Scheduled") }}</h1>'
            '<button aria-label="Close the panel">×</button><p>Due soon</p>{% endblock %}')

    app.register_blueprint(extra)
    response = app.test_client().get("/extra?lang=" + pseudo.PSEUDO)

    left = pseudo.unmarked(response.get_data(as_text=True))
    assert "Close the panel" in left and "Due soon" in left
    assert not any("Scheduled" in text for text in left)  # wrapped (an enum label's msgid)


def test_the_reader_ignores_scripts_formats_and_data():
    assert pseudo.unmarked("<p>⟦Ŝàvé⟧ 6 Dec 2026, 14:30 · €12.50</p><script>var x = 'word';</script>") == []
    assert pseudo.unmarked("<p>⟦Ŝţàţûŝ: ⟦Öpéñ⟧⟧ mail@example.com</p>") == []
    assert pseudo.unmarked('<input type="submit" value="Send">') == ["Send"]
