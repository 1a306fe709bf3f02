"""Customer messages (admin): which of the seven messages go and when, the text gateway, and
the words of each message per language, previewed on a real case."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp import languages
from fieldapp.forms import ActionForm
from fieldapp.forms.customer_messages import MessageSettingsForm, MessageTemplateForm
from fieldapp.models import Role
from fieldapp.services import customer_messages, settings
from fieldapp.services.message_texts import KINDS, PLACEHOLDER_HELP, TEXT_MAX
from fieldapp.web.actions import Refused, act
from fieldapp.web.auth import roles
from fieldapp.web.params import text_arg
from fieldapp.web.sections import OnForm

bp = Blueprint("customer_messages", __name__, url_prefix="/admin/messages")
CASE_NUMBER_MAX = 20  # cases.number


def _settings_form() -> MessageSettingsForm:
    row = settings.current()
    off = set((row.messages_off or "").split())
    return MessageSettingsForm(formdata=None, data={
        "on": [kind for kind in KINDS if kind not in off], "country": row.country, "sms_url": row.sms_url,
        **{name: getattr(row, name) for name in customer_messages.LIMITS}})


def _index(form: MessageSettingsForm) -> str:
    row = settings.current()
    return render_template("customer_messages/index.html", form=form, kinds=KINDS, languages=languages.choices(),
                           rewritten=customer_messages.rewritten(),
                           country_name=languages.current_locale().territories.get(row.country, row.country),
                           gateway=customer_messages.gateway_in_use(current_app.config, row))


@bp.get("/")
@roles(Role.ADMIN)
def index():
    return _index(_settings_form())


@bp.post("/")
@roles(Role.ADMIN)
def save():
    form = MessageSettingsForm()
    return act(form, lambda: customer_messages.save_settings(form.on.data, form.timing(), form.country.data,
                                                             form.sms_url.data, current_user),
               OnForm(url_for("customer_messages.index"), _("Message settings saved."), lambda refused: _index(form)))


def _known(message_kind: str, language: str) -> None:
    if not customer_messages.known(message_kind, language):
        abort(404)


def _template_page(message_kind: str, language: str, form: MessageTemplateForm | None = None,
                   refused: Refused | None = None) -> str:
    """The message's words in a language (the admin's, else the built-in ones), the placeholders it
    may use, and the message filled for a case (?case=, else the latest case with a visit)."""
    if form is None:
        words = customer_messages.words(message_kind, language)
        form = MessageTemplateForm(formdata=None, data={"subject": words.subject, "body": words.body,
                                                        "text": words.text})
    number = text_arg("case", CASE_NUMBER_MAX)
    case = customer_messages.case_to_preview(number)
    kind = KINDS[message_kind]
    return render_template(
        "customer_messages/template.html", kind=kind, language=language,
        language_name=dict(languages.choices())[language], form=form, action_form=ActionForm(formdata=None),
        own=customer_messages.own(message_kind, language) is not None,
        placeholders=[(name, PLACEHOLDER_HELP.get(name, "")) for name in kind.placeholder_names()], text_max=TEXT_MAX,
        number=number, preview=customer_messages.preview(message_kind, language, case) if case else None,
        error=refused.elsewhere if refused else None)


@bp.get("/<message_kind>/<language>")
@roles(Role.ADMIN)
def template(message_kind: str, language: str):
    _known(message_kind, language)
    return _template_page(message_kind, language)


@bp.post("/<message_kind>/<language>")
@roles(Role.ADMIN)
def save_template(message_kind: str, language: str):
    _known(message_kind, language)
    form = MessageTemplateForm()
    return act(form, lambda: customer_messages.save_template(message_kind, language, form.subject.data,
                                                             form.body.data, form.text.data, current_user),
               OnForm(url_for("customer_messages.template", message_kind=message_kind, language=language),
                      _("Message saved."), lambda refused: _template_page(message_kind, language, form, refused)))


@bp.post("/<message_kind>/<language>/built-in")
@roles(Role.ADMIN)
def built_in(message_kind: str, language: str):
    _known(message_kind, language)
    return act(ActionForm(), lambda: customer_messages.back_to_built_in(message_kind, language, current_user),
               OnForm(url_for("customer_messages.template", message_kind=message_kind, language=language),
                      _("The message is back to the built-in text."),
                      lambda refused: _template_page(message_kind, language, refused=refused)))
