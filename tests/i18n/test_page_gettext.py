"""The templates' gettext (fieldapp/languages.py, written for speed) says exactly what Jinja's own
newstyle gettext says: every value escaped, numbers formatted as numbers, "%%" a percent sign."""
from __future__ import annotations

import pytest
from jinja2 import Environment

HOSTILE = '<script>alert(1)</script> & "quotes"'
TEMPLATES = [
    '{{ _("Plain text") }}',
    '{{ _("Visit %(number)s", number=value) }}',
    '{{ _("<strong>%(name)s</strong> arrives", name=value) }}',
    '{{ _("Up by %(n)d%% in %(days)s days", n=5, days=value) }}',
    '{{ _("100%% done") }}',
    '{{ ngettext("%(num)d visit", "%(num)d visits", 1) }}|{{ ngettext("%(num)d visit for %(who)s", "%(num)d visits for %(who)s", 3, who=value) }}',
    '{{ pgettext("a button", "Change") }}',
    '{% trans who=value, count=2 %}{{ count }} changes by {{ who }}{% endtrans %}',
    '{{ _("Total %(amount)s", amount=12.5) }}',
]


@pytest.fixture
def jinja_own():
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_null_translations(newstyle=True)
    env.policies["ext.i18n.trimmed"] = True
    return env


@pytest.mark.parametrize("source", TEMPLATES)
@pytest.mark.parametrize("value", [HOSTILE, "Anna", 7])
def test_the_pages_gettext_reads_as_jinjas_own(app, jinja_own, source, value):
    with app.test_request_context("/login?lang=en"):
        ours = app.jinja_env.from_string(source).render(value=value)
    assert ours == jinja_own.from_string(source).render(value=value)
    assert "<script>" not in ours
