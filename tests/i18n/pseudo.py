"""The pseudo-locale: every translated text comes out accented and bracketed (⟦Ŝàvé⟧), so a
page's text that is not bracketed never passed through a catalog.

The pseudo language is "en_001" (World English: Babel knows its formats), with a catalog made
from the extracted template (fieldapp/translations/messages.pot) into a test's folder."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import fieldapp

PSEUDO = "en_001"
OPEN, CLOSE = "⟦", "⟧"
TEMPLATE = Path(fieldapp.__file__).parent / "translations" / "messages.pot"
ACCENTS = str.maketrans("AaCcEeGgHhIiJjKkLlNnOoRrSsTtUuWwYyZz",
                        "ÀàÇçÉéĜĝĤĥÎîĴĵĶķĻļÑñÖöŘřŜŝŢţÛûŴŵÝýŽž")
# What must stay as it is inside a message: placeholders, tags, entities.
KEEP = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]*>|&\w+;|&#\d+;")


def pseudo(text: str) -> str:
    if not text:
        return text
    parts, last = [], 0
    for match in KEEP.finditer(text):
        parts.append(text[last:match.start()].translate(ACCENTS))
        parts.append(match.group())
        last = match.end()
    parts.append(text[last:].translate(ACCENTS))
    return OPEN + "".join(parts) + CLOSE


def write_catalog(folder: Path, template: Path = TEMPLATE) -> Path:
    """The pseudo catalog, translated from the template, under folder/en_001/LC_MESSAGES."""
    with template.open("rb") as source:
        extracted = read_po(source)
    catalog = Catalog(locale=PSEUDO)
    for message in extracted:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            catalog.add(message.id, tuple(pseudo(form) for form in message.id), flags=(), context=message.context)
        else:
            catalog.add(message.id, pseudo(message.id), flags=(), context=message.context)
    target = folder / PSEUDO / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        write_po(out, catalog)
    return folder


# --- reading a page ---------------------------------------------------------------------------------

VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
HIDDEN_CONTENT = {"script", "style", "template"}
_locale = Locale.parse(PSEUDO)
# Words that come from Babel's formats, not from a catalog: month and day names, AM/PM.
FORMAT_WORDS = {word.lower().rstrip(".") for context in ("format", "stand-alone")
                for width in ("abbreviated", "wide", "narrow")
                for names in (_locale.months[context][width], _locale.days[context][width])
                for word in names.values()} | {"am", "pm"}
# Text people read that is not language: addresses, numbers with units, the brand.
NOT_LANGUAGE = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|FieldApp|\bCSV\b|\bPDF\b|\bQR\b")
BRACKETED = re.compile(OPEN + "[^" + OPEN + CLOSE + "]*" + CLOSE)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden = 0
        self.hidden_tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Hidden: scripts, what is marked as written in another language (the switcher's
        # language names, each in itself) and what is marked not to be translated (data).
        if tag in HIDDEN_CONTENT or (tag != "html" and "lang" in attrs) or attrs.get("translate") == "no":
            self.hidden_tags.append(tag)
            self.hidden += 1
        for name in VISIBLE_ATTRIBUTES & attrs.keys():
            self.found.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.found.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.hidden_tags and self.hidden_tags[-1] == tag:
            self.hidden_tags.pop()
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.found.append(data)


def unmarked(html: str) -> list[str]:
    """The texts of a page (or a part of one) that did not pass through a catalog."""
    while True:  # the translated texts out first, with any markup inside them; then a message
        shorter = BRACKETED.sub(" ", html)  # that held one: ⟦Status: ⟦Open⟧⟧
        if shorter == html:
            break
        html = shorter
    parser = _Text()
    parser.feed(html)
    left = []
    for text in parser.found:
        rest = NOT_LANGUAGE.sub(" ", text)
        words = [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in FORMAT_WORDS]
        if words:
            left.append(" ".join(text.split()))
    return left
