"""How a text message leaves: Apprise (one kept library for Twilio, MessageBird, Vonage, WhatsApp
gateways and 100+ others), or the console when no gateway is configured (as mail under
`make run`).

The gateway is a list of Apprise URLs (space separated): SMS_URL in the environment, or the
company settings. The recipient's number goes where the URL says `{to}`
(`twilio://SID:Token@+15551234567/{to}`); without `{to}`, a json:// / form:// / xml:// URL gets it
as the payload field `to` (Apprise's `:to=` parameter), and any other URL as its last path part.
A URL typed in the settings may not lead to this machine or a private network (`public_gateway`);
SMS_URL, set by whoever runs the server, may.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
import sys
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import apprise
from flask_babel import gettext as _

PAYLOAD_SCHEMES = {"json", "jsons", "form", "forms", "xml", "xmls"}


@dataclass(frozen=True)
class Text:
    to: str  # E.164
    body: str


class TextRefused(RuntimeError):
    """The gateway refused the message (or none would take it); the reason is in the message."""


def gateway_urls(config, settings_url: str | None) -> tuple[list[str], bool]:
    """The Apprise URLs to use, and whether they came from the settings (then checked)."""
    if settings_url and settings_url.strip():
        return settings_url.split(), True
    return (config.get("SMS_URL") or "").split(), False


def addressed(url: str, to: str) -> str:
    if "{to}" in url:
        return url.replace("{to}", quote(to, safe="+"))
    parts = urlsplit(url)
    if parts.scheme.lower() in PAYLOAD_SCHEMES:
        return url + ("&" if parts.query else "?") + ":to=" + quote(to, safe="+")
    head, _q, query = url.partition("?")
    return head.rstrip("/") + "/" + quote(to, safe="+") + (("?" + query) if query else "")


def public_gateway(url: str) -> str | None:
    """Why a gateway URL typed in the settings may not be used, or None. Apprise must know it, and
    whatever host it names must be on the internet: never this machine, a private network or a
    link-local address (a URL that leads the server to itself is how an attacker reads what it
    can reach). A service's own scheme often names an account or a number where a host would be
    (twilio://SID:Token@+15551234567/{to}): a name that resolves nowhere is never connected to,
    so only a json:// / form:// / xml:// gateway must resolve."""
    example = _("Give an Apprise URL such as twilio://SID:Token@+15551234567/{to} or json://gateway.example/send.")
    parts = urlsplit(url)
    if not parts.scheme or not apprise.Apprise().add(addressed(url, "+15551234567")):
        return example
    host = parts.hostname
    payload = parts.scheme.lower() in PAYLOAD_SCHEMES
    if not host:
        return example if payload else None
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return _("%(host)s cannot be found.", host=host) if payload else None
    for info in infos:
        if not ipaddress.ip_address(info[4][0].split("%")[0]).is_global:
            return _("%(host)s is on this machine or a private network: a gateway must be on the internet.",
                     host=host)
    return None


class ConsoleTexts:
    def close(self) -> None:
        pass

    def send(self, text: Text) -> None:
        rule = "-" * 72
        sys.stdout.write(f"{rule}\nText message (console, not sent) to {text.to}:\n{text.body}\n{rule}\n")
        sys.stdout.flush()


class AppriseTexts:
    def __init__(self, urls: list[str], checked: bool):
        self.urls, self.checked = urls, checked

    def close(self) -> None:
        pass

    def send(self, text: Text) -> None:
        if self.checked:
            for url in self.urls:
                problem = public_gateway(url)
                if problem:
                    error = TextRefused(problem)
                    error.permanent = True
                    raise error
        sender = apprise.Apprise()
        for url in self.urls:
            if not sender.add(addressed(url, text.to)):
                error = TextRefused(_("The text gateway URL is not one Apprise knows."))
                error.permanent = True
                raise error
        with apprise.LogCapture(level=logging.WARNING) as said:
            sent = sender.notify(body=text.body)
        if not sent:
            reason = " ".join(said.getvalue().split())[:500] or _("The gateway did not take the message.")
            raise TextRefused(reason)


def backend_for(config, settings_url: str | None):
    urls, checked = gateway_urls(config, settings_url)
    return AppriseTexts(urls, checked) if urls else ConsoleTexts()
