"""Pages made of sections.

A section is one swap target: its partial (which owns the element id), and the one function
that builds everything the partial shows, its forms included: fresh, or the one just refused
(`refused.form_in(slot)`). A page is its layout template plus the sections it lists; the page
and a section's fragment are rendered from the same builders, so they cannot drift apart.

Areas add their sections to a page by the page's name (`page("case").add(...)`), so the case
page shows follow-ups, complaints and returns without the cases area importing their views, and
a refused form from any of them comes back on the same page through the same builders.

`OnPage` is the usual answer of an action (web/actions.py): a 303 back to the page with a
message; for htmx, the section's fragment; refused, the page (or the fragment) again with the
submitted form in its place and the status of the refusal.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, flash, make_response

from fieldapp.web.actions import Refused
from fieldapp.web.htmx import respond, see_other, wants_fragment

Builder = Callable[[Any, "Refused | None"], dict]


@dataclass(frozen=True)
class Section:
    """One swap target. `slot`: where the page's layout shows it (None: only as a fragment);
    `order` sorts a slot; `oob`: sections refreshed out of band when this one is swapped."""

    name: str
    template: str
    build: Builder
    slot: str | None = "main"
    order: int = 100
    oob: tuple[Section, ...] = ()


class Page:
    """A layout and its sections. `load(record_id)` finds the record the page is about (None
    for a list page), `base(record)` the little every section and the layout share."""

    def __init__(self, name: str):
        self.name = name
        self.template: str | None = None
        self.load: Callable[[Any], Any] = lambda record_id: None
        self.base: Callable[[Any], dict] = lambda record: {}
        self.url: Callable[..., str] | None = None
        self.sections: list[Section] = []

    def define(self, template: str, load: Callable[[Any], Any] | None = None,
               base: Callable[[Any], dict] | None = None, url: Callable[..., str] | None = None) -> Page:
        """`url(record_id, _anchor=...)`: the page's address, where an action goes back to."""
        self.template = template
        self.load = load or self.load
        self.base = base or self.base
        self.url = url
        return self

    def add(self, section: Section) -> Section:
        if any(s.name == section.name for s in self.sections):
            raise ValueError(f"page {self.name!r} has a section {section.name!r} already")
        self.sections.append(section)
        self.sections.sort(key=lambda s: (s.order, s.name))
        return section

    def slot(self, name: str) -> list[Section]:
        return [s for s in self.sections if s.slot == name]

    def context(self, record, refused: Refused | None = None) -> dict:
        context = {**self.base(record), "layout": self, "refused": refused,
                   "action_error": refused.elsewhere if refused else None}
        for section in self.sections:
            if section.slot is not None:
                context.update(section.build(record, refused))
        return context

    def section_context(self, record, section: Section, refused: Refused | None = None, **extra) -> dict:
        context = {**self.base(record), "layout": self, "refused": refused, **section.build(record, refused)}
        for other in section.oob:
            context.update(other.build(record, None))
        return {**context, **extra}

    def render(self, record, refused: Refused | None = None, status: int = 200, **extra) -> Response:
        """The whole page; `extra` goes over what the sections built (search results, say)."""
        return respond(self.template, None, {**self.context(record, refused), **extra}, status)

    def respond(self, record, section: Section, refused: Refused | None = None, status: int = 200,
                **extra) -> Response:
        """The section's fragment (with its out-of-band companions) for htmx, else the page."""
        if not wants_fragment():
            return self.render(record, refused, status, **extra)
        return respond(None, section.template, self.section_context(record, section, refused, **extra), status,
                       [other.template for other in section.oob])


PAGES: dict[str, Page] = {}


def page(name: str) -> Page:
    """The page of this name, made on first use: areas add sections to pages they do not own."""
    return PAGES.setdefault(name, Page(name))


def _go(to, message, result) -> Response:
    """Flash `message` and see `to`; either may be a function of the action's result."""
    message = message(result) if callable(message) else message
    if message:
        flash(str(message), "success")  # a lazy translation is text before the session keeps it
    return see_other(to(result) if callable(to) else to)


class OnPage:
    """The answer of an action on a page: see the module's docstring.

    A success goes to `to` (a URL, or a function of the result; by default the page itself at
    `anchor`) with `message` flashed (text, or a function of the result; None for nothing).
    With `section`, htmx gets the section's fragment instead, built from `record` when given
    (what the action changed, as loaded for it) and with `saved=True` and `extra(result)` in its
    context. A refusal always reloads the record: the write was rolled back."""

    def __init__(self, page: Page, record_id, message: str | Callable[[Any], str | None] | None = None,
                 anchor: str | None = None, to: str | Callable[[Any], str] | None = None,
                 section: Section | None = None, record=None, extra: Callable[[Any], dict] | None = None):
        self.page, self.record_id, self.message, self.section = page, record_id, message, section
        self.record, self.extra = record, extra
        self.to = to if to is not None else (lambda result: page.url(record_id, _anchor=anchor))

    def success(self, result) -> Response:
        if self.section is not None and wants_fragment():
            record = self.record if self.record is not None else self.page.load(self.record_id)
            return self.page.respond(record, self.section, saved=True, **(self.extra(result) if self.extra else {}))
        return _go(self.to, self.message, result)

    def refusal(self, refused: Refused) -> Response:
        record = self.page.load(self.record_id)
        if self.section is not None:
            return self.page.respond(record, self.section, refused, refused.status)
        return self.page.render(record, refused, refused.status)


class OnForm:
    """The answer of an action on a page that is mostly its one form (a new customer, the
    settings): done, a 303 to `to` (a URL or a function of the result) with `message` flashed;
    refused, `page(refused)` renders the page again with the submitted form, at the refusal's
    status. `message` may be a function of the result, None for nothing."""

    def __init__(self, to: str | Callable[[Any], str], message: str | Callable[[Any], str | None] | None,
                 page: Callable[[Refused], str | Response]):
        self.to, self.message, self.page = to, message, page

    def success(self, result) -> Response:
        return _go(self.to, self.message, result)

    def refusal(self, refused: Refused) -> Response:
        response = make_response(self.page(refused))
        response.status_code = refused.status
        return response
