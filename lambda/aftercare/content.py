"""What the skill says, loaded once from ``content/``.

``content/<language>/`` (for example ``en``) holds the words shared by every locale of a language;
``content/<locale>/`` (for example ``en-US``) holds what differs by country and may override any
top-level key of the shared files. Python decides *what* to say from this data; the Jinja templates
beside it decide *how it sounds*.

The Lambda artifact also carries ``content/content.json``: every TOML file, parsed at package time
(``tools/package.py``), because reading JSON at start-up is many times faster than parsing TOML. A
checkout has no such file and reads the TOML.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aftercare.therapy import TherapyContent, therapy_content
from aftercare.winddown import Script, load_script

DATA_FILES = ("topics", "ideas", "phrases")
SNAPSHOT = "content.json"

DataFiles = Mapping[str, Mapping[str, Any]]
"""Every TOML file under ``content/``, parsed, by its path there (``en/phrases.toml``)."""


def find_content_dir() -> Path:
    """``content/`` beside the code in the Lambda artifact, or at the repository root."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "content", here.parents[2] / "content"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no content/ folder beside the code or at the repository root")


@dataclass(frozen=True)
class Topic:
    """One thing a listener can learn about."""

    id: str
    title: str
    answer: tuple[str, ...]
    more: tuple[str, ...]
    offer: str


@dataclass(frozen=True)
class Idea:
    id: str
    kind: str
    text: str


@dataclass(frozen=True)
class LocaleContent:
    """Everything one locale says, as plain data."""

    locale: str
    chain: tuple[str, ...]
    """Folders searched for this locale, most specific first (also used for templates)."""
    topics: Mapping[str, Topic]
    ideas: tuple[Idea, ...]
    phrases: Mapping[str, tuple[str, ...]]
    offers: Mapping[str, tuple[str, ...]]
    facts: Mapping[str, Mapping[str, Any]]
    """Every other data file, by name (``safety.toml`` is ``facts["safety"]``), for templates."""
    therapy: TherapyContent
    """Sex therapy answers and where to find a therapist, checked at load."""
    winddown: Script
    """The guided wind-down's script (``winddown.toml``), checked at load."""

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def idea(self, idea_id: str) -> Idea:
        return next(idea for idea in self.ideas if idea.id == idea_id)


def read_data_files(content_dir: Path) -> DataFiles:
    """The parsed data files: from the package-time snapshot when there is one, else the TOML."""
    snapshot = content_dir / SNAPSHOT
    if snapshot.is_file():
        data: DataFiles = json.loads(snapshot.read_text(encoding="utf-8"))
        return data
    return _parse_toml(content_dir)


def write_snapshot(content_dir: Path) -> Path:
    """Write ``content/content.json`` from the TOML (at package time, into the artifact's copy)."""
    snapshot = content_dir / SNAPSHOT
    snapshot.write_text(json.dumps(_parse_toml(content_dir), ensure_ascii=False), encoding="utf-8")
    return snapshot


def _parse_toml(content_dir: Path) -> dict[str, dict[str, Any]]:
    # Imported here: a deployed function reads the snapshot and never needs tomllib.
    import tomllib

    parsed = {}
    for path in sorted(content_dir.rglob("*.toml")):
        with path.open("rb") as handle:
            parsed[path.relative_to(content_dir).as_posix()] = tomllib.load(handle)
    return parsed


def _files_in(files: DataFiles, folder: str, name: str) -> list[str]:
    """``<folder>/<name>.toml``, then every ``<folder>/<name>_<part>.toml``, each sorted."""
    exact = f"{folder}/{name}.toml"
    parts = sorted(
        path
        for path in files
        if path.startswith(f"{folder}/{name}_")
        and path.endswith(".toml")
        and "/" not in path[len(folder) + 1 :]
    )
    return [exact, *parts] if exact in files else parts


def _read_data(files: DataFiles, folder: str, name: str) -> dict[str, Any]:
    """``<name>.toml`` and any ``<name>_<part>.toml`` beside it (one per journey), merged."""
    merged: dict[str, Any] = {}
    for path in _files_in(files, folder, name):
        for key, value in files[path].items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            elif key in merged:
                raise ValueError(f"{key!r} is defined twice in {folder}/{name}*.toml")
            else:
                merged[key] = value
    return merged


def _merged(files: DataFiles, chain: tuple[str, ...], name: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for folder in reversed(chain):  # least specific first, so the locale overrides
        merged.update(_read_data(files, folder, name))
    return merged


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ValueError(f"{where} must be a string or a non-empty list of strings")


def _load_locale(files: DataFiles, locale: str, chain: tuple[str, ...]) -> LocaleContent:
    data = {name: _merged(files, chain, name) for name in DATA_FILES}

    topics = {
        topic_id: Topic(
            id=topic_id,
            title=str(fields["title"]),
            answer=_strings(fields["answer"], f"topics.{topic_id}.answer"),
            more=_strings(fields["more"], f"topics.{topic_id}.more"),
            offer=str(fields["offer"]),
        )
        for topic_id, fields in data["topics"].items()
    }
    ideas = tuple(
        Idea(id=str(item["id"]), kind=str(item["kind"]), text=str(item["text"]))
        for item in data["ideas"].get("idea", [])
    )
    phrases_raw = dict(data["phrases"])
    offers_raw = phrases_raw.pop("offer", {})
    phrases = {key: _strings(value, f"phrases.{key}") for key, value in phrases_raw.items()}
    offers = {key: _strings(value, f"phrases.offer.{key}") for key, value in offers_raw.items()}
    stems = {
        path.split("/")[1].removesuffix(".toml").split("_")[0]
        for path in files
        if path.count("/") == 1 and path.split("/")[0] in chain and path.endswith(".toml")
    }
    facts = {name: _merged(files, chain, name) for name in sorted(stems - set(DATA_FILES))}
    therapy = therapy_content(facts.get("therapist", {}), locale)
    winddown = load_script(facts.get("winddown", {}))
    return LocaleContent(locale, chain, topics, ideas, phrases, offers, facts, therapy, winddown)


class Library:
    """The content of every supported locale, loaded and checked at start-up."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        files = read_data_files(content_dir)
        declared = files.get("locales.toml", {})
        self.default = str(declared["default"])
        self._locales = {
            locale: _load_locale(files, locale, (locale, locale.split("-")[0]))
            for locale in declared["supported"]
        }
        if self.default not in self._locales:
            raise ValueError(f"the default locale {self.default} is not supported")

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._locales)

    def for_locale(self, locale: str | None) -> LocaleContent:
        """The locale's content, or the default locale's when it is missing or unknown."""
        return self._locales.get(locale or "", self._locales[self.default])
