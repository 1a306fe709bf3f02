"""The one reviewed place that builds form markup from strings, for speed.

`html_params`: WTForms' attribute renderer, the same output at a fraction of the cost. Every
input, select, label and hidden CSRF field is rendered through it. WTForms builds each
`name="value"` pair with `Markup.format` (Python's string.Formatter, escaping each piece again);
a visit page calls it about ninety times and it was a quarter of the page's time (see README,
Performance). This version escapes each key and value once, with MarkupSafe's C escape, and
joins plain strings. tests/web/test_forms_html.py checks it against WTForms' own.

`render_field`: a field with its label, hint and errors, tied together for screen readers (the
`field` macro of templates/_macros.html calls it). As a Jinja macro it was most of a form-heavy
page's rendering; every piece of text here goes through `escape`, and the widgets are WTForms'.
"""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.fields import core as fields_core
from wtforms.widgets import core as widgets_core

_original = widgets_core.html_params


def html_params(**kwargs) -> Markup:
    parts = []
    for key, value in sorted(kwargs.items()):
        key = key.rstrip("_")
        if key.startswith(("data_", "aria_")):
            key = key.replace("_", "-")
        if value is True:
            parts.append(str(escape(key)))
        elif value is not False:
            # A Markup value is not escaped again, so a quote in it still needs replacing.
            parts.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(parts))


def install() -> None:
    """Use it everywhere WTForms looks the renderer up: the module, and the widget classes
    that keep it as a static method."""
    widgets_core.html_params = html_params
    widgets_core.Input.html_params = staticmethod(html_params)
    widgets_core.Button.html_params = staticmethod(html_params)
    fields_core.widgets.html_params = html_params


def render_field(f, hint=None, **kwargs) -> Markup:
    """Label, input, hint and errors of one field. An id given by the caller (several copies of
    a form on one page) is used by the label too; attributes given as None are left out."""
    field_id = kwargs.get("id") or f.id
    # Labels and messages are often lazy translations: made text first, so `escape` escapes them
    # (a lazy string calls itself safe markup) and `join` takes them.
    label = str(f.label.text)
    errors = [str(error) for error in f.errors]
    if f.type == "MultiCheckboxField":
        return _checkboxes(f, label, errors, hint)
    parts = [f'<div class="field{" field--invalid" if errors else ""}">\n']
    if f.type == "BooleanField":
        parts.append(f'  <label class="check">{f(**kwargs)} {escape(label)}</label>\n')
    else:
        parts.append(f'  {f.label(label, class_="field__label", for_=field_id)}\n')
        attrs = {"class": "field__input", "id": field_id}
        attrs.update((key, value) for key, value in kwargs.items() if value is not None)
        described = " ".join(([f"{field_id}-hint"] if hint else []) + ([f"{field_id}-error"] if errors else []))
        if described:
            attrs["aria-describedby"] = described
        if errors:
            attrs["aria-invalid"] = "true"
        parts.append(f"  {f(**attrs)}\n")
    parts += _hint_and_errors(field_id, hint, errors)
    parts.append("</div>")
    return Markup("".join(parts))


def _hint_and_errors(field_id: str, hint, errors: list[str]) -> list[str]:
    """The hint and the errors under a field, with the ids its aria-describedby names."""
    parts = []
    if hint:
        parts.append(f'  <p class="field__hint" id="{escape(field_id)}-hint">{escape(hint if isinstance(hint, Markup) else str(hint))}</p>\n')
    if errors:
        parts.append(f'  <p class="field__error" id="{escape(field_id)}-error">{escape(" ".join(errors))}</p>\n')
    return parts


def _checkboxes(f, label: str, errors: list[str], hint) -> Markup:
    """A choice of several: a fieldset whose legend is the field's label, one checkbox each."""
    described = " ".join(([f"{f.id}-hint"] if hint else []) + ([f"{f.id}-error"] if errors else []))
    parts = [f'<fieldset class="field checks{" field--invalid" if errors else ""}"'
             f'{f" aria-describedby={chr(34)}{escape(described)}{chr(34)}" if described else ""}>\n',
             f'  <legend class="field__label">{escape(label)}</legend>\n']
    for option in f:
        parts.append(f'  <label class="check">{option()} {escape(str(option.label.text))}</label>\n')
    parts += _hint_and_errors(f.id, hint, errors)
    parts.append("</fieldset>")
    return Markup("".join(parts))
