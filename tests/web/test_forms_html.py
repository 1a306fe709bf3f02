"""The fast attribute renderer writes exactly what WTForms' own would."""
from __future__ import annotations

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
