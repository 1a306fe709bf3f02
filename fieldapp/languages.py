"""Languages: which one each page, message and PDF speaks.

- Staff read their own choice (Account), else the company's default language (Settings).
- Everyone else (QR page, request form, rating, sign-in) reads `?lang=` (then remembered in a
  cookie), else that cookie, else the browser's Accept-Language, else the company's default.
- A message or PDF for a customer is written in the customer's language
  (`for_customer(customer)`), else the company's.

Translations are gettext catalogs under fieldapp/translations (Flask-Babel), read from the
`.po` files themselves (compiled in memory once per process: no `.mo` to build or to forget);
formats (dates, money, numbers) come from Babel's CLDR data for the same locale
(fieldapp/formats.py).
"""
from __future__ import annotations

import hashlib
import json
import time
from contextlib import contextmanager
from decimal import Decimal
from functools import cached_property, lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, support
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from flask import Flask, Response, current_app, g, has_request_context, request, url_for
from flask.globals import _cv_app
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, Domain, force_locale, get_babel, get_locale, refresh
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from fieldapp.extensions import db

# The shipped languages, each named in itself (as the switcher shows them).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "nl": "Nederlands",
    "de": "Deutsch",
    "es": "Español",
    "zh_Hans": "简体中文",
}
DEFAULT_LANGUAGE = "en"
# English is written for a European company: 15 Jan 2026 and 14:30, not Jan 15 and 2:30 PM.
FORMAT_LOCALES = {"en": "en_GB"}
COOKIE = "lang"
COOKIE_DAYS = 365
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# The company's language and currency are read by every page: kept per process this long
# (a change in Settings clears this process at once and reaches the others within it).
DEFAULTS_SECONDS = 30

_defaults: dict[str, tuple[float, str, str]] = {}


def available() -> dict[str, str]:
    """The languages people can choose (config LANGUAGES may add one, e.g. the pseudo-locale)."""
    return current_app.config.get("LANGUAGES") or LANGUAGES


def valid(code: str | None) -> str | None:
    """The language code when it is one of ours, else None (never trust a cookie or a form)."""
    return code if isinstance(code, str) and code in available() else None


def locale_for(code: str) -> str:
    return FORMAT_LOCALES.get(code, code)


def choices() -> list[tuple[str, str]]:
    return list(available().items())


def company_defaults() -> tuple[str, str]:
    """(language, ISO 4217 currency) the company set in Settings; English and euros until then."""
    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    cached = _defaults.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    from fieldapp.models import CompanySettings

    row = db.session.execute(db.select(CompanySettings.language, CompanySettings.currency)
                             .where(CompanySettings.id == 1)).first()
    language = valid(row.language if row else None) or DEFAULT_LANGUAGE
    currency = (row.currency if row else None) or "EUR"
    _defaults[key] = (time.monotonic() + DEFAULTS_SECONDS, language, currency)
    return language, currency


def forget_company_defaults() -> None:
    _defaults.clear()


def company_language() -> str:
    return company_defaults()[0]


def currency() -> str:
    return company_defaults()[1]


def from_browser() -> str | None:
    """The first of the browser's languages we speak (Chinese: simplified script only)."""
    for tag, _quality in request.accept_languages:
        parts = tag.replace("_", "-").lower().split("-")
        primary = parts[0]
        if primary == "zh":
            rest = set(parts[1:])
            if rest & {"hant", "tw", "hk", "mo"}:
                continue
            code = "zh_Hans"
        else:
            code = primary
        if valid(code):
            return code
    return None


def chosen_by_visitor() -> str | None:
    """A visitor's choice: the switcher's ?lang=, else the cookie it left."""
    return valid(request.args.get("lang")) or valid(request.cookies.get(COOKIE))


def current_language() -> str:
    """The language of this request: see the module's docstring for the order."""
    forced = g.get("forced_language") if current_app else None
    if forced:
        return forced
    if not has_request_context():
        return company_language()
    cached = g.get("language")
    if cached:
        return cached
    user = current_user._get_current_object() if current_user else None
    if user is not None and user.is_authenticated:
        code = valid(user.language) or company_language()
    else:
        # A page opened from a message to a customer speaks the message's language unless they chose.
        code = chosen_by_visitor() or valid(g.get("recipient_language")) or from_browser() or company_language()
    g.language = code
    return code


def for_recipient(code: str | None) -> None:
    """This request's page is for someone whose language we know (a customer opening our link)."""
    g.recipient_language = code
    g.pop("language", None)
    refresh()  # flask_babel may have read the locale already


def select_locale() -> str:
    return locale_for(current_language())


def html_lang() -> str:
    """The page's `lang` attribute (BCP 47: zh-Hans)."""
    return current_language().replace("_", "-")


@contextmanager
def speaking(code: str | None):
    """Write what is inside (a mail, a PDF) in this language, or the company's."""
    code = valid(code) or company_language()
    before = g.get("forced_language")
    g.forced_language = code
    try:
        with force_locale(locale_for(code)):
            yield code
    finally:
        g.forced_language = before


def for_customer(customer):
    """Speak the customer's language (else the company's) while writing to them."""
    return speaking(getattr(customer, "language", None) if customer is not None else None)


def current_locale() -> Locale:
    """The locale formats follow: the request's, else the company's (CLI, outbox)."""
    locale = get_locale() if current_app else None  # None outside an app (a plain script)
    return locale or Locale.parse(locale_for(DEFAULT_LANGUAGE))


@lru_cache(maxsize=None)
def catalog(directories: tuple[str, ...], locale: str) -> support.NullTranslations:
    """The translations for a locale from the .po files (fuzzy entries left out, as by msgfmt)."""
    translations = support.Translations()
    for directory in directories:
        for name in (locale, locale.split("_")[0]):
            po = Path(directory) / name / "LC_MESSAGES" / "messages.po"
            if not po.is_file():
                continue
            with po.open("rb") as source:
                entries = read_po(source, locale=name)
            compiled = BytesIO()
            write_mo(compiled, entries)
            compiled.seek(0)
            found = support.Translations(compiled)
            translations.merge(found)
            translations.plural = found.plural
            break
    return translations


class PoDomain(Domain):
    def get_translations(self):
        return translations()


_NONE = support.NullTranslations()


def translations() -> support.NullTranslations:
    """The catalog of the language in force, found once per request (and per forced language):
    pages ask it hundreds of times, and Flask-Babel's own way costs a dozen proxy lookups a text."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return _NONE
    space = app_context.g.__dict__.get("_flask_babel")
    locale = getattr(space, "babel_locale", None) if space is not None else None
    if locale is None:
        locale = get_locale()
        if locale is None:
            return _NONE
        space = app_context.g._flask_babel
    kept = getattr(space, "fieldapp_catalog", None)
    if kept is not None and kept[0] is locale:
        return kept[1]
    found = catalog(tuple(get_babel().translation_directories), str(locale))
    space.fieldapp_catalog = (locale, found)
    return found


def translate(message: str) -> str:
    return translations().ugettext(message)


def _filled(context, text: str, variables: dict):
    """As Jinja's newstyle gettext: `%` always applied (so "%%" reads "%"); in an HTML template
    every value escaped (numbers stay numbers, for %(num)d) and the whole marked safe."""
    if not context.eval_ctx.autoescape:
        return text % variables
    return Markup(text % {name: value if type(value) in _NUMBERS else escape(value)
                          for name, value in variables.items()})


_NUMBERS = {int, float, Decimal}


@pass_context
def _page_gettext(context, message, **variables):
    return _filled(context, translations().ugettext(message), variables)


@pass_context
def _page_ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    return _filled(context, translations().ungettext(singular, plural, num), variables)


@pass_context
def _page_pgettext(context, message_context, message, **variables):
    return _filled(context, translations().upgettext(message_context, message), variables)


@pass_context
def _page_npgettext(context, message_context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    return _filled(context, translations().unpgettext(message_context, singular, plural, num), variables)


class FieldAppBabel(Babel):
    @cached_property
    def domain_instance(self):
        return PoDomain(domain=self.domain)


SCRIPTS = Path(__file__).resolve().parent / "static"


@lru_cache(maxsize=1)
def script_messages() -> tuple[str | tuple[str, str], ...]:
    """The msgids the hand-written scripts pass to gettext/ngettext (read from their source)."""
    found: dict = {}
    for path in sorted(SCRIPTS.glob("*.js")):
        for _line, message, _comments, _context in extract_from_file("javascript", str(path), DEFAULT_KEYWORDS):
            found[message if isinstance(message, str) else tuple(message[:2])] = None
    return tuple(found)


SCRIPT_CATALOG = r"""(function () {
  "use strict";
  var text = %(text)s;
  function plural(n) { return Number(%(plural)s); }
  function fill(message, params) {
    return params ? message.replace(/%%\((\w+)\)[sd]/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : all;
    }) : message;
  }
  self.gettext = function (message, params) {
    return fill(typeof text[message] === "string" ? text[message] : message, params);
  };
  self.ngettext = function (one, many, n, params) {
    var forms = text[one], chosen = Array.isArray(forms) ? forms[plural(n)] : (n === 1 ? one : many);
    var all = { num: n };
    Object.keys(params || {}).forEach(function (name) { all[name] = params[name]; });
    return fill(chosen || (n === 1 ? one : many), all);
  };
})();
"""


@lru_cache(maxsize=None)
def _script_catalog(directories: tuple[str, ...], code: str) -> tuple[str, str]:
    locale = locale_for(code)
    translations = catalog(directories, locale)
    forms_count, plural = get_plural(locale)
    text: dict[str, str | list[str]] = {}
    for message in script_messages():
        if isinstance(message, str):
            translated = translations.ugettext(message)
            if translated != message:
                text[message] = translated
        else:
            forms = [translations._catalog.get((message[0], index)) for index in range(forms_count)]
            if all(forms):
                text[message[0]] = forms
    body = SCRIPT_CATALOG % {"text": json.dumps(text, ensure_ascii=False, sort_keys=True).replace("</", "<\\/"),
                             "plural": plural}
    return body, hashlib.sha256(body.encode()).hexdigest()[:12]


def script_catalog(code: str) -> tuple[str, str]:
    """(the script, its version) for a language."""
    from flask_babel import get_babel

    return _script_catalog(tuple(get_babel().translation_directories), code)


def script_text_url(code: str | None = None) -> str:
    code = code or current_language()
    return url_for("languages.script_text", code=code, v=script_catalog(code)[1])


def _remember_choice(response: Response) -> Response:
    """The switcher's ?lang= is kept for the visitor's next pages; public pages vary by it."""
    chosen = valid(request.args.get("lang"))
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_DAYS * 24 * 3600, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    if request.endpoint != "static" and not (current_user and current_user.is_authenticated):
        response.vary.update(("Accept-Language", "Cookie"))
    return response


class JSONProvider(DefaultJSONProvider):
    """JSON answers take lazy texts (a form's label, an enum's) as the text they read as now."""

    @staticmethod
    def default(o):
        if isinstance(o, LazyString):
            return str(o)
        return DefaultJSONProvider.default(o)


def init_app(app: Flask) -> None:
    app.json = JSONProvider(app)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    FieldAppBabel(app, locale_selector=select_locale)
    # Templates ask the catalog directly, with Jinja's "newstyle" meaning (values escaped, the
    # result safe), at a fraction of the cost of Flask-Babel's and Jinja's own callables.
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(_=_page_gettext, gettext=_page_gettext, ngettext=_page_ngettext,
                                 pgettext=_page_pgettext, npgettext=_page_npgettext)
    app.after_request(_remember_choice)
    app.jinja_env.globals["script_text_url"] = script_text_url
