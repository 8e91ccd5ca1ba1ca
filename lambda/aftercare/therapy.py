"""What the skill knows about sex therapy and where to find a therapist, as plain data per locale.

``content/en/therapist.toml`` holds the answers every English locale shares; each locale's own
``therapist.toml`` adds its directory (where to look, what "certified" means there, one tip) and
may replace any answer, such as "certified", whose facts differ by country. Adding a country is a
data change: nothing here names a directory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

QUESTIONS = ("what_is", "session", "nudity", "reasons", "couples", "certified")
"""The questions about sex therapy every locale answers."""

SpokenParts = tuple[tuple[str, str | None], ...]
"""A sentence in pieces: (written text, how to say it, or None to say it as written)."""


@dataclass(frozen=True)
class Answer:
    id: str
    title: str
    answer: tuple[str, ...]
    offer: str
    """Where "yes" leads after this answer."""


@dataclass(frozen=True)
class Listing:
    """One place to look, as shown on the card."""

    name: str
    address: str


@dataclass(frozen=True)
class Directory:
    where: tuple[str, ...]
    """Where to find a certified sex therapist in this country, as whole spoken sentences."""
    certified: str
    """What "certified" means here, in one sentence."""
    tip: str
    listings: tuple[Listing, ...]


class Pronunciations:
    """Written forms (an acronym, a web address) and how the locale says them aloud."""

    def __init__(self, said_as: Mapping[str, str]) -> None:
        self.said_as = dict(said_as)
        # Longest first, so a web address wins over the acronym inside it.
        written = sorted(self.said_as, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, written))) if written else None

    def parts(self, sentence: str) -> SpokenParts:
        if self._pattern is None:
            return ((sentence, None),)
        parts: list[tuple[str, str | None]] = []
        start = 0
        for found in self._pattern.finditer(sentence):
            if found.start() > start:
                parts.append((sentence[start : found.start()], None))
            parts.append((found.group(), self.said_as[found.group()]))
            start = found.end()
        if start < len(sentence):
            parts.append((sentence[start:], None))
        return tuple(parts)


@dataclass(frozen=True)
class TherapyContent:
    directory: Directory
    answers: Mapping[str, Answer]
    pronunciations: Pronunciations

    def spoken(self, sentences: tuple[str, ...]) -> tuple[SpokenParts, ...]:
        return tuple(self.pronunciations.parts(sentence) for sentence in sentences)


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be a non-empty string")
    return value


def _texts(value: object, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise ValueError(f"{where} must be a string or a non-empty list of strings")
    return tuple(_text(item, where) for item in items)


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    table = data.get(key)
    if not isinstance(table, Mapping):
        raise ValueError(f"{where}: [{key}] is missing")
    return table


def therapy_content(data: Mapping[str, Any], locale: str) -> TherapyContent:
    """The locale's therapist content from its merged ``therapist.toml`` data; fails when any is
    missing, so a locale without a directory cannot start."""
    where = f"therapist.toml for {locale}"
    directory = _table(data, "directory", where)
    listings = directory.get("listing")
    if not isinstance(listings, list) or not listings:
        raise ValueError(f"{where}: [[directory.listing]] needs at least one place to look")
    said_as = data.get("say", {})
    if not isinstance(said_as, Mapping):
        raise ValueError(f"{where}: [say] must map written forms to how they are said")
    answers: dict[str, Answer] = {}
    for question in QUESTIONS:
        fields = _table(data, question, where)
        answers[question] = Answer(
            id=question,
            title=_text(fields.get("title"), f"{where}: {question}.title"),
            answer=_texts(fields.get("answer"), f"{where}: {question}.answer"),
            offer=_text(fields.get("offer"), f"{where}: {question}.offer"),
        )
    return TherapyContent(
        directory=Directory(
            where=_texts(directory.get("where"), f"{where}: directory.where"),
            certified=_text(directory.get("certified"), f"{where}: directory.certified"),
            tip=_text(directory.get("tip"), f"{where}: directory.tip"),
            listings=tuple(_listing(item, f"{where}: directory.listing") for item in listings),
        ),
        answers=answers,
        pronunciations=Pronunciations(
            {key: _text(value, f"{where}: say.{key}") for key, value in said_as.items()}
        ),
    )


def _listing(item: object, where: str) -> Listing:
    if not isinstance(item, Mapping):
        raise ValueError(f"{where} must be a table with a name and an address")
    return Listing(
        name=_text(item.get("name"), f"{where}.name"),
        address=_text(item.get("address"), f"{where}.address"),
    )
