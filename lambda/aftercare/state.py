"""What the skill remembers within a session, read defensively from session attributes.

Alexa hands back whatever the skill last sent, and an older version of the skill may have sent
something else: every field is checked and falls back to its default rather than failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from aftercare.profile import Profile
from aftercare.winddown import Progress

VERSION = 1
MAX_IDS = 64
MAX_STAMP = 10**15
"""Milliseconds since 1970: beyond the year 30,000."""
PROFILE_FIELDS = frozenset(item.name for item in fields(Profile))


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def _bool(value: object) -> bool:
    return value if isinstance(value, bool) else False


def _int(value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return low
    return min(max(value, low), high)


def _ids(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str) and len(item) <= 64][:MAX_IDS]


@dataclass
class LastReply:
    """What was said last, so Repeat can say it again."""

    speech: str
    reprompt: str | None
    card_title: str | None = None
    card_text: str | None = None

    @classmethod
    def from_attributes(cls, value: object) -> LastReply | None:
        if not isinstance(value, Mapping) or not isinstance(value.get("speech"), str):
            return None
        text = {key: item for key, item in value.items() if isinstance(item, str)}
        return cls(
            text["speech"], text.get("reprompt"), text.get("card_title"), text.get("card_text")
        )

    def to_attributes(self) -> dict[str, Any]:
        return {key: item for key, item in vars(self).items() if item is not None}


@dataclass
class SessionState:
    topic: str | None = None
    """The topic last spoken about, for "tell me more"."""
    depth: int = 0
    """How far into that topic: 0 after the answer, 1 after "tell me more"."""
    offer: str | None = None
    """What "yes" accepts: a topic id or another journey's name."""
    asked_what_else: bool = False
    """The last turn asked "what else?", so a further "no" says goodbye."""
    ideas_heard: list[str] = field(default_factory=list)
    last: LastReply | None = None
    winddown: Progress | None = None
    """The wind-down under way in this session: length, company, part, pace, paused."""
    stored: Profile | None = None
    """The stored profile as read once this session, so later turns need not read it again,
    with this session's changes."""
    stored_at: int = 0
    """The write stamp of the record ``stored`` was read from (0: none was stored)."""
    unsaved: list[str] = field(default_factory=list)
    """Fields of ``stored`` this session changed that the store does not have yet."""
    unread: bool = False
    """The store could not be read: ``stored`` is defaults plus this session's changes."""
    store_failed_at: int = 0
    """When the store last failed this session (the request's stamp, in milliseconds)."""

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> SessionState:
        attrs = attributes if isinstance(attributes, Mapping) else {}
        return cls(
            topic=_str_or_none(attrs.get("topic")),
            depth=_int(attrs.get("depth"), 0, 9),
            offer=_str_or_none(attrs.get("offer")),
            asked_what_else=_bool(attrs.get("asked_what_else")),
            ideas_heard=_ids(attrs.get("ideas_heard")),
            last=LastReply.from_attributes(attrs.get("last")),
            winddown=Progress.from_attributes(attrs.get("winddown")),
            stored=(
                Profile.from_attributes(attrs["stored"])
                if isinstance(attrs.get("stored"), Mapping)
                else None
            ),
            stored_at=_int(attrs.get("stored_at"), 0, MAX_STAMP),
            unsaved=[
                name
                for name in _ids(attrs.get("unsaved"))
                if name in PROFILE_FIELDS and isinstance(attrs.get("stored"), Mapping)
            ],
            unread=_bool(attrs.get("unread")),
            store_failed_at=_int(attrs.get("store_failed_at"), 0, MAX_STAMP),
        )

    def restarted(self) -> SessionState:
        """A fresh start within the session: it keeps which ideas were heard, and what it knows
        of the store (what was read, and what is still to be written)."""
        return SessionState(
            ideas_heard=self.ideas_heard,
            stored=self.stored,
            stored_at=self.stored_at,
            unsaved=self.unsaved,
            unread=self.unread,
            store_failed_at=self.store_failed_at,
        )

    def to_attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {"v": VERSION}
        for key, value in vars(self).items():
            if isinstance(value, LastReply | Progress | Profile):
                attrs[key] = value.to_attributes()
            elif value not in (None, False, []):
                attrs[key] = value
        return attrs
