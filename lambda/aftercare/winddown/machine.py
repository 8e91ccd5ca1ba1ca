"""Where a wind-down is and where it goes next: plain functions over small frozen values.

``Progress`` is everything a wind-down needs to carry on (length, company, part, pace, paused);
``plan`` turns it into the parts to speak, each a run of blocks (one per section) whose voice
slows and softens as the whole wind-down goes on. Nothing here knows about Alexa.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise, product

from aftercare.winddown.script import (
    COMPANIES,
    MAX_PAUSE_MS,
    Breathe,
    Line,
    Pause,
    Script,
    Step,
)

RESUME_OFFER_WINDOW_S = 24 * 60 * 60
"""An unfinished wind-down is offered again on opening the skill for this long after it stopped;
asking to resume works at any time."""


@dataclass(frozen=True)
class Progress:
    minutes: int
    company: str
    step: int = 0
    """The part being spoken (or last spoken)."""
    pace: int = 0
    paused: bool = False

    def to_attributes(self) -> dict[str, object]:
        attributes: dict[str, object] = {
            "minutes": self.minutes,
            "company": self.company,
            "step": self.step,
            "pace": self.pace,
        }
        if self.paused:
            attributes["paused"] = True
        return attributes

    @classmethod
    def from_attributes(cls, value: object) -> Progress | None:
        """Progress as stored or carried in the session; None for anything malformed."""
        if not isinstance(value, Mapping):
            return None
        minutes = _whole(value.get("minutes"), 60)
        step, pace = _whole(value.get("step"), 99), _whole(value.get("pace"), 9)
        company = value.get("company")
        if not minutes or step is None or pace is None or company not in COMPANIES:
            return None
        return cls(minutes, str(company), step, pace, value.get("paused") is True)


def _whole(value: object, most: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        return None
    return value


@dataclass(frozen=True)
class Cue:
    """One thing in a part: a sentence to say, or a silence (``pause_ms`` > 0)."""

    text: str = ""
    pause_ms: int = 0


@dataclass(frozen=True)
class Block:
    """One section as spoken: its cues in one voice."""

    section: str
    rate: int
    """Speaking rate, percent of Alexa's usual."""
    volume_db: int
    cues: tuple[Cue, ...]


@dataclass(frozen=True)
class Part:
    index: int
    final: bool
    blocks: tuple[Block, ...]


def _duration_minutes(duration: str) -> float | None:
    found = re.fullmatch(
        r"P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?",
        duration.strip().upper(),
    )
    if found is None or not any(found.groups()):
        return None
    days, hours, minutes, seconds = (float(group or 0) for group in found.groups())
    return days * 1440 + hours * 60 + minutes + seconds / 60


def choose_minutes(script: Script, duration: str | None) -> int:
    """The length closest to an ISO 8601 duration ("PT5M"); the shorter one on a tie, and the
    default length when nothing usable was said."""
    asked = _duration_minutes(duration) if duration else None
    if not asked:
        return script.default_minutes
    return min(sorted(script.lengths), key=lambda minutes: abs(minutes - asked))


def begin(script: Script, duration: str | None, company: str | None) -> Progress:
    """A new wind-down at its first part, at the usual pace."""
    chosen = company if company in COMPANIES else script.default_company
    return Progress(choose_minutes(script, duration), str(chosen))


def part_count(script: Script, progress: Progress) -> int:
    return len(script.lengths[progress.minutes])


def restore(script: Script, progress: Progress | None) -> Progress | None:
    """Stored progress that still fits this script, or None (a length or part it no longer has).
    A finished wind-down is not stored at all, so anything that fits can be resumed."""
    if progress is None or progress.minutes not in script.lengths:
        return None
    if progress.step >= part_count(script, progress):
        return None
    return replace(progress, pace=min(progress.pace, len(script.paces) - 1), paused=False)


def is_final(script: Script, progress: Progress) -> bool:
    return progress.step >= part_count(script, progress) - 1


def next_step(script: Script, progress: Progress) -> Progress:
    last = part_count(script, progress) - 1
    return replace(progress, step=min(progress.step + 1, last), paused=False)


def previous_step(progress: Progress) -> Progress:
    return replace(progress, step=max(progress.step - 1, 0), paused=False)


def start_over(progress: Progress) -> Progress:
    return replace(progress, step=0, paused=False)


def pause(progress: Progress) -> Progress:
    return replace(progress, paused=True)


def resume(progress: Progress) -> Progress:
    return replace(progress, paused=False)


def is_slowest(script: Script, progress: Progress) -> bool:
    return progress.pace >= len(script.paces) - 1


def slower(script: Script, progress: Progress) -> Progress:
    return replace(progress, pace=min(progress.pace + 1, len(script.paces) - 1), paused=False)


def worth_offering(saved_at: int, now: int) -> bool:
    """Whether an unfinished wind-down saved at ``saved_at`` is recent enough to offer again."""
    return 0 <= now - saved_at <= RESUME_OFFER_WINDOW_S


def _kept(steps: tuple[Step, ...], minutes: int) -> list[Step]:
    return [step for step in steps if step.lengths.include(minutes)]


def _silence(ms: int, stretch: float) -> Cue:
    return Cue(pause_ms=min(round(ms * stretch), MAX_PAUSE_MS))


def _cues(script: Script, steps: list[Step], company: str, stretch: float) -> list[Cue]:
    cues: list[Cue] = []
    for step in steps:
        if isinstance(step, Line):
            cues.append(Cue(text=step.text(company)))
        elif isinstance(step, Pause):
            cues.append(_silence(step.ms, stretch))
        elif isinstance(step, Breathe):
            turns = script.breath_cues[1:] or script.breath_cues
            for cycle in range(step.cycles):
                breathe_in, breathe_out = (
                    script.breath_cues[0] if cycle == 0 else turns[(cycle - 1) % len(turns)]
                )
                cues += [
                    Cue(text=breathe_in),
                    _silence(script.breath_in_ms, stretch),
                    Cue(text=breathe_out),
                    _silence(script.breath_out_ms, stretch),
                ]
    return cues


def plan(script: Script, progress: Progress) -> tuple[Part, ...]:
    """Every part of this wind-down, as it would be spoken at this pace."""
    pace = script.paces[min(progress.pace, len(script.paces) - 1)]
    parts = script.lengths[progress.minutes]
    sections = [
        (index, section, _kept(script.sections[section], progress.minutes))
        for index, part in enumerate(parts)
        for section in part
    ]
    spoken = [(index, section, steps) for index, section, steps in sections if steps]
    last = max(len(spoken) - 1, 1)
    blocks: list[list[Block]] = [[] for _ in parts]
    for position, (index, section, steps) in enumerate(spoken):
        cues = _cues(script, steps, progress.company, pace.stretch)
        if blocks[index]:
            # A breath of silence between two sections of the same part.
            cues.insert(0, _silence(script.section_gap_ms, pace.stretch))
        share = position / last
        blocks[index].append(
            Block(
                section=section,
                rate=round(pace.start_rate + (pace.end_rate - pace.start_rate) * share),
                volume_db=round(
                    script.start_volume_db + (script.end_volume_db - script.start_volume_db) * share
                ),
                cues=tuple(cues),
            )
        )
    return tuple(
        Part(index, index == len(parts) - 1, tuple(part_blocks))
        for index, part_blocks in enumerate(blocks)
    )


def current_part(script: Script, progress: Progress) -> Part:
    parts = plan(script, progress)
    return parts[min(progress.step, len(parts) - 1)]


def _part_problems(part: Part) -> list[str]:
    cues = [cue for block in part.blocks for cue in block.cues]
    if not cues:
        return ["is empty"]
    found = ["opens with a silence"] if cues[0].pause_ms else []
    if any(before.pause_ms and after.pause_ms for before, after in pairwise(cues)):
        found.append("has two silences in a row")
    return found


def script_problems(script: Script) -> list[str]:
    """What would make a part sound wrong: a part with nothing to say, a part that opens with a
    silence, or two silences with no words between them (across sections too)."""
    found: list[str] = []
    for minutes, company, pace in product(script.lengths, COMPANIES, range(len(script.paces))):
        for part in plan(script, Progress(minutes, company, pace=pace)):
            where = f"{minutes} min, {company}, pace {pace}: part {part.index + 1}"
            found += [f"{where} {problem}" for problem in _part_problems(part)]
    return found
