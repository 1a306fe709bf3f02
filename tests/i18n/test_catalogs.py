"""The shipped catalogs: complete, checked by Babel, and made from a template that is current."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import fieldapp
from fieldapp import languages

ROOT = Path(fieldapp.__file__).resolve().parent.parent
TRANSLATIONS = languages.TRANSLATIONS
SHIPPED = [code for code in languages.LANGUAGES if code != "en"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "_l": None,
            "lazy_gettext": None, "_n": (1, 2), "lazy_ngettext": (1, 2), "_ln": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}


def read(path: Path, locale: str | None = None):
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


@pytest.fixture(scope="module")
def template():
    return read(TRANSLATIONS / "messages.pot")


def test_the_template_is_current():
    """A text wrapped for translation without `make messages` fails here."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    extracted = {message if isinstance(message, str) else message[0]
                 for _file, _line, message, _comments, _context in extract_from_dir(
                     str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",))}
    in_template = {key(message) for message in read(TRANSLATIONS / "messages.pot") if message.id}
    assert sorted(extracted - in_template) == [], "new texts: run `make messages`"
    assert sorted(in_template - extracted) == [], "texts no longer used: run `make messages`"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_shipped_catalog_is_complete(template, code):
    catalog = read(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", code)
    missing, fuzzy = [], []
    for wanted in template:
        if not wanted.id:
            continue
        found = catalog.get(wanted.id, context=wanted.context)
        if found is None or not (all(found.string) if isinstance(found.string, tuple) else found.string):
            missing.append(key(wanted))
        elif found.fuzzy:
            fuzzy.append(key(wanted))
    assert missing == [], f"{len(missing)} texts untranslated in {code}, e.g. {missing[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy texts in {code}, e.g. {fuzzy[:10]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_translation_keeps_its_placeholders_and_plural_forms(code):
    catalog = read(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", code)
    problems = [(key(message), [str(error) for error in errors]) for message, errors in catalog.check()]
    assert problems == []


def test_a_broken_placeholder_fails_the_check(tmp_path):
    """What the check above catches: a translator who renamed a placeholder."""
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  '#, python-format\nmsgid "Visit %(number)s"\nmsgstr "Bezoek %(nummer)s"\n', encoding="utf-8")
    problems = [errors for _message, errors in read(po, "nl").check()]
    assert problems and "placeholder" in str(problems[0][0])
