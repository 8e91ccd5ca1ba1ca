"""The wind-down script as plain data, read from ``content/<language>/winddown.toml``.

A script is a set of sections (settle, breathing, body scan, ...), each a list of steps: a spoken
line (the same for everyone, or one for a listener alone and one for partners together), a timed
pause, or a number of slow breaths. A step may belong to some lengths only. Each length
says which sections it plays, grouped into parts: one part is one response, spoken hands-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

COMPANIES = ("alone", "together")
MAX_PAUSE_MS = 10_000
"""Alexa's longest single break."""


@dataclass(frozen=True)
class Lengths:
    """The wind-down lengths a step is part of, in minutes (both ends included)."""

    from_minutes: int = 0
    to_minutes: int = 60

    def include(self, minutes: int) -> bool:
        return self.from_minutes <= minutes <= self.to_minutes


EVERY_LENGTH = Lengths()


@dataclass(frozen=True)
class Line:
    alone: str
    together: str
    lengths: Lengths = EVERY_LENGTH

    def text(self, company: str) -> str:
        return self.together if company == "together" else self.alone


@dataclass(frozen=True)
class Pause:
    ms: int
    lengths: Lengths = EVERY_LENGTH


@dataclass(frozen=True)
class Breathe:
    """Slow breaths, each a spoken cue and a pause for the in-breath, then for the out-breath."""

    cycles: int
    lengths: Lengths = EVERY_LENGTH


Step = Line | Pause | Breathe


@dataclass(frozen=True)
class Pace:
    """One speed of the voice: its rate (percent) at the start and at the end of a wind-down,
    and how much every pause is stretched."""

    start_rate: int
    end_rate: int
    stretch: float


@dataclass(frozen=True)
class Script:
    default_minutes: int
    default_company: str
    lengths: Mapping[int, tuple[tuple[str, ...], ...]]
    """Minutes -> its parts, each the ids of the sections it plays."""
    sections: Mapping[str, tuple[Step, ...]]
    breath_in_ms: int
    breath_out_ms: int
    breath_cues: tuple[tuple[str, str], ...]
    """(in, out) cues; the first opens every run of breaths, the others take turns after it."""
    section_gap_ms: int
    paces: tuple[Pace, ...]
    """From the usual pace to the slowest; "slower" moves one along."""
    start_volume_db: int
    end_volume_db: int


def _int(data: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{where}.{key} must be a whole number from {low} to {high}")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be a non-empty string")
    return value


def _step(data: Mapping[str, Any], where: str) -> Step:
    since = _int(data, "from_minutes", where, 0, 60) if "from_minutes" in data else 0
    until = _int(data, "to_minutes", where, since, 60) if "to_minutes" in data else 60
    lengths = Lengths(since, until)
    if data.keys() - {
        "say",
        "alone",
        "together",
        "pause_ms",
        "breaths",
        "from_minutes",
        "to_minutes",
    }:
        raise ValueError(f"{where} has a key the script does not know")
    kinds = {"say", "alone", "pause_ms", "breaths"} & data.keys()
    if "say" in data and len(kinds) == 1:
        said = _text(data["say"], f"{where}.say")
        return Line(said, said, lengths)
    if "alone" in data and len(kinds) == 1:
        return Line(
            _text(data["alone"], f"{where}.alone"),
            _text(data.get("together"), f"{where}.together"),
            lengths,
        )
    if "pause_ms" in data and len(kinds) == 1:
        return Pause(_int(data, "pause_ms", where, 100, MAX_PAUSE_MS), lengths)
    if "breaths" in data and len(kinds) == 1:
        return Breathe(_int(data, "breaths", where, 1, 30), lengths)
    raise ValueError(f"{where} must have one of: say, alone and together, pause_ms, breaths")


def parse_script(data: Mapping[str, Any]) -> Script:
    """The script in ``data`` (one locale's merged ``winddown*.toml``), checked."""
    where = "winddown"
    raw_sections = data.get("section")
    if not isinstance(raw_sections, Mapping) or not raw_sections:
        raise ValueError(f"{where}.section must list the sections")
    sections = {
        str(name): tuple(
            _step(step, f"{where}.section.{name}[{i}]") for i, step in enumerate(steps)
        )
        for name, steps in raw_sections.items()
    }
    lengths: dict[int, tuple[tuple[str, ...], ...]] = {}
    for index, length in enumerate(data.get("length", [])):
        minutes = _int(length, "minutes", f"{where}.length[{index}]", 1, 60)
        parts = tuple(tuple(str(section) for section in part) for part in length.get("parts", []))
        unknown = {section for part in parts for section in part} - sections.keys()
        if not parts or not all(parts) or unknown:
            raise ValueError(f"{where}.length[{index}] needs parts of known sections: {unknown}")
        lengths[minutes] = parts
    breath = data.get("breath", {})
    cues = tuple(
        (_text(pair[0], f"{where}.breath.cues"), _text(pair[1], f"{where}.breath.cues"))
        for pair in breath.get("cues", [])
        if isinstance(pair, list) and len(pair) == 2
    )
    paces = tuple(
        Pace(
            _int(pace, "start_rate", f"{where}.pace", 50, 100),
            _int(pace, "end_rate", f"{where}.pace", 50, 100),
            float(pace.get("stretch", 1.0)),
        )
        for pace in data.get("pace", [])
    )
    default_company = str(data.get("default_company", ""))
    script = Script(
        default_minutes=_int(data, "default_minutes", where, 1, 60),
        default_company=default_company,
        lengths=lengths,
        sections=sections,
        breath_in_ms=_int(breath, "in_ms", f"{where}.breath", 500, MAX_PAUSE_MS),
        breath_out_ms=_int(breath, "out_ms", f"{where}.breath", 500, MAX_PAUSE_MS),
        breath_cues=cues,
        section_gap_ms=_int(data, "section_gap_ms", where, 100, MAX_PAUSE_MS),
        paces=paces,
        start_volume_db=_int(data, "start_volume_db", where, -12, 0),
        end_volume_db=_int(data, "end_volume_db", where, -12, 0),
    )
    if script.default_minutes not in lengths:
        raise ValueError(f"{where}.default_minutes must be one of the lengths")
    if default_company not in COMPANIES:
        raise ValueError(f"{where}.default_company must be one of {COMPANIES}")
    if not cues or not paces or any(not 1.0 <= pace.stretch <= 2.0 for pace in paces):
        raise ValueError(f"{where} needs breath cues and paces (stretch from 1 to 2)")
    return script
