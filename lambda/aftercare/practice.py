"""The deployer's own contact (a practice or an educator), parsed and checked once at start-up.

A deployer may set it so the skill can offer it after the directory answer. Every value is checked
here, so a typo fails the deployment loudly instead of reaching a listener as a broken reply; the
skill never invents a contact when none is set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

SETTINGS = {
    "name": "PRACTICE_NAME",
    "phone": "PRACTICE_PHONE",
    "email": "PRACTICE_EMAIL",
    "website": "PRACTICE_WEBSITE",
    "hours": "PRACTICE_HOURS",
}
"""Each field and the setting (environment variable or local config key) it is read from."""

MAX_TEXT = 100
MIN_DIGITS, MAX_DIGITS = 7, 15
_PHONE_CHARACTERS = re.compile(r"\+[\d\s()-]+")
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
# A name or opening hours are spoken inside SSML and shown on a card: markup has no place there.
_MARKUP = set("<>")


class PracticeError(ValueError):
    """A practice setting that cannot be used; the message names the setting and the fix."""


@dataclass(frozen=True)
class Phone:
    e164: str
    """Canonical form, ``+`` and digits only, for comparing and dialling."""
    display: str
    """The deployer's own grouping (spaces, dashes, parentheses), easier to hear and read."""


@dataclass(frozen=True)
class Practice:
    name: str
    phone: Phone | None = None
    email: str | None = None
    website: str | None = None
    hours: str | None = None


def _text(setting: str, value: str) -> str:
    text = " ".join(value.split())
    if len(text) > MAX_TEXT:
        raise PracticeError(f"{setting} is {len(text)} characters long; keep it to {MAX_TEXT}")
    if not text.isprintable():
        raise PracticeError(f"{setting} contains characters that cannot be spoken")
    if _MARKUP & set(text):
        raise PracticeError(f"{setting} must be plain text, without < or >")
    return text


def parse_phone(value: str, setting: str = SETTINGS["phone"]) -> Phone:
    display = " ".join(value.split())
    if not _PHONE_CHARACTERS.fullmatch(display):
        raise PracticeError(
            f"{setting} must be an international number: a + and the country code, then digits,"
            f" spaces, dashes or parentheses, like +1 212 555 0100; got {value!r}"
        )
    digits = re.sub(r"\D", "", display)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS or digits.startswith("0"):
        raise PracticeError(
            f"{setting} must have {MIN_DIGITS} to {MAX_DIGITS} digits after the +, and a country"
            f" code that does not start with 0; got {value!r}"
        )
    return Phone(e164=f"+{digits}", display=display)


def parse_email(value: str, setting: str = SETTINGS["email"]) -> str:
    email = value.strip()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise PracticeError(f"{setting} must be an email address like hello@example.org")
    return email


def parse_website(value: str, setting: str = SETTINGS["website"]) -> str:
    website = value.strip()
    problem = f"{setting} must be an https:// address like https://example.org; got {value!r}"
    if len(website) > 200 or any(character.isspace() for character in website):
        raise PracticeError(problem)
    try:
        parts = urlsplit(website)
    except ValueError as error:
        raise PracticeError(problem) from error
    host = parts.hostname or ""
    # The address is the host alone: no login and no port, which a practice's site never needs.
    if parts.scheme != "https" or parts.netloc.lower() != host or not _HOST.fullmatch(host):
        raise PracticeError(problem)
    return website


def practice_from(settings: Mapping[str, str]) -> Practice | None:
    """The practice described by ``settings`` (PRACTICE_* keys), or None when none is set.

    Empty values count as unset, as SAM passes an empty string for a parameter left blank.
    """
    given = {
        field: settings[key].strip()
        for field, key in SETTINGS.items()
        if settings.get(key, "").strip()
    }
    if not given:
        return None
    if "name" not in given:
        raise PracticeError(f"{SETTINGS['name']} is required when any PRACTICE_ setting is set")
    if not given.keys() & {"phone", "email", "website"}:
        raise PracticeError(
            "a practice needs a way to reach it: set PRACTICE_PHONE, PRACTICE_EMAIL"
            " or PRACTICE_WEBSITE"
        )
    phone, email, website, hours = (
        given.get(field) for field in ("phone", "email", "website", "hours")
    )
    return Practice(
        name=_text(SETTINGS["name"], given["name"]),
        phone=parse_phone(phone) if phone else None,
        email=parse_email(email) if email else None,
        website=parse_website(website) if website else None,
        hours=_text(SETTINGS["hours"], hours) if hours else None,
    )
