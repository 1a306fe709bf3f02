"""FlaskForm classes, one module per area. Every form derives from BaseForm."""
from flask_babel import LazyString, get_translations
from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField, TextAreaField

from fieldapp.forms.validators import NoControlCharacters


class _Catalog:
    """WTForms asks its messages' translations here: the page's catalog (flask_babel)."""

    @staticmethod
    def gettext(string):
        return get_translations().ugettext(string)

    @staticmethod
    def ngettext(singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


_CATALOG = _Catalog()


class BaseForm(FlaskForm):
    """The base of every form: each text field (StringField and its kinds: text areas, email,
    password, hidden...) first refuses control characters, before any other check or a query
    sees the text. PostgreSQL refuses NUL outright, and invisible characters make look-alikes."""

    class Meta:
        def get_translations(self, form):
            """WTForms' own messages from our catalogs (forms/builtin_messages.py lists them)."""
            return _CATALOG

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField):
                # A new list: the unbound field's list is shared by every instance of the form.
                field.validators = [NoControlCharacters(multiline=isinstance(field, TextAreaField)),
                                    *field.validators]
            return field


class ActionForm(BaseForm):
    """No fields: carries the CSRF token for POST-only buttons."""


def enum_choices(enum_cls, placeholder: str | None = None) -> list[SelectChoice]:
    """Select options from a LabelledEnum: its values, shown with their labels. Made when a form
    class is defined, so each label is read when the select is drawn, in the page's language."""
    options = [SelectChoice(member.value, LazyString(lambda member=member: member.label)) for member in enum_cls]
    return ([SelectChoice("", placeholder)] if placeholder else []) + options
