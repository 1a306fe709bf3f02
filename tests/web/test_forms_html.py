"""The fast attribute renderer writes exactly what WTForms' own would."""
from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from fieldapp.forms import html


@pytest.mark.parametrize("attrs", [
    {},
    {"name": "note", "id": "f", "class_": "field__input"},
    {"checked": True, "readonly": False, "name": "text1", "abc": "hello"},
    {"data_when": "arrived done", "aria_describedby": "x-hint x-error", "hx_post": "/v/1"},
    {"value": 'a "quoted" <b>bold</b> & \'single\''},
    {"value": Markup('already "markup" &amp; safe')},
    {"value": 0, "min": -5, "max": 3.5, "step": None},
    {"for_": "id<1>", "required": True},
])
def test_fast_html_params_matches_wtforms(attrs):
    assert html.html_params(**attrs) == html._original(**attrs)
    assert isinstance(html.html_params(**attrs), Markup)


def test_the_app_renders_form_fields_with_the_fast_renderer(app):
    from wtforms.widgets import core

    assert core.html_params is html.html_params
    assert core.Input.html_params is html.html_params


def test_typed_text_cannot_leave_its_attribute():
    rendered = str(html.html_params(value='"><script>alert(1)</script>', data_note="' onmouseover='x"))
    assert "<script" not in rendered and '"><' not in rendered
    assert rendered.count('"') == 4  # two attributes, each value quoted once


# The field macro as it was in Jinja (templates/_macros.html), kept here as the reference the
# Python renderer is held to.
JINJA_FIELD = """{% macro field(f, hint=None) -%}
{% set field_id = kwargs.get("id") or f.id %}
<div class="field{% if f.errors %} field--invalid{% endif %}">
  {% if f.type == "BooleanField" %}
  <label class="check">{{ f(**kwargs) }} {{ f.label.text }}</label>
  {% else %}
  {{ f.label(class="field__label", for=field_id) }}
  {% set attrs = {"class": "field__input", "id": field_id} %}
  {% for key, value in kwargs.items() if value is not none %}{% do attrs.update({key: value}) %}{% endfor %}
  {% set described = ((field_id ~ "-hint ") if hint else "") ~ ((field_id ~ "-error") if f.errors else "") %}
  {% if described %}{% do attrs.update({"aria-describedby": described.strip()}) %}{% endif %}
  {% if f.errors %}{% do attrs.update({"aria-invalid": "true"}) %}{% endif %}
  {{ f(**attrs) }}
  {% endif %}
  {% if hint %}<p class="field__hint" id="{{ field_id }}-hint">{{ hint }}</p>{% endif %}
  {% if f.errors %}
  <p class="field__error" id="{{ field_id }}-error">{{ f.errors | join(" ") }}</p>
  {% endif %}
</div>
{%- endmacro %}{{ field(f, hint, **attrs) }}"""

HOSTILE = '"><script>alert(1)</script>'


def _normalised(text) -> str:
    """The same HTML, whatever the white space between tags."""
    return re.sub(r">\s+<", "><", " ".join(str(text).split()))


@pytest.mark.parametrize("case", ["text", "text with hint and errors", "checkbox", "select", "hostile"])
def test_the_field_renderer_writes_what_the_macro_wrote(app, case):
    from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

    from fieldapp.forms import BaseForm

    class Sample(BaseForm):
        note = TextAreaField("Note <b>", description="d")
        name = StringField("Name")
        agree = BooleanField("I agree & more")
        pick = SelectField("Pick", choices=[SelectChoice("a", "A & B"), SelectChoice("b", HOSTILE)])

    with app.test_request_context():
        form = Sample(meta={"csrf": False}, formdata=None, data={"name": HOSTILE, "pick": "b"})
        hint, attrs, f = None, {}, form.name
        if case == "text with hint and errors":
            f, hint, attrs = form.note, "What you did <i>", {"rows": 3, "id": "n-1", "autocomplete": None}
            f.errors = ["Too long <b>.", "And & this."]
        elif case == "checkbox":
            f, attrs = form.agree, {"id": "agree-2"}
        elif case == "select":
            f, attrs = form.pick, {"id": "pick-9", "hx-get": "/x?a=1&b=2"}
        elif case == "hostile":
            hint, attrs = HOSTILE, {"id": HOSTILE, "data-x": HOSTILE}
        macro = app.jinja_env.from_string(JINJA_FIELD).render(f=f, hint=hint, attrs=attrs)
        fast = html.render_field(f, hint, **attrs)
    assert isinstance(fast, Markup)
    assert _normalised(fast) == _normalised(macro)
    assert "<script>" not in str(fast)
