"""The guided wind-down as a pure state machine: the script (``script``) and where a wind-down
is and goes next (``machine``). The handlers in ``aftercare.handlers.winddown`` speak it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aftercare.winddown.machine import (
    RESUME_OFFER_WINDOW_S,
    Block,
    Cue,
    Part,
    Progress,
    begin,
    choose_minutes,
    current_part,
    is_final,
    is_slowest,
    next_step,
    part_count,
    pause,
    plan,
    previous_step,
    restore,
    resume,
    script_problems,
    slower,
    start_over,
    worth_offering,
)
from aftercare.winddown.script import COMPANIES, Script, parse_script

__all__ = [
    "COMPANIES",
    "RESUME_OFFER_WINDOW_S",
    "Block",
    "Cue",
    "Part",
    "Progress",
    "Script",
    "begin",
    "choose_minutes",
    "current_part",
    "is_final",
    "is_slowest",
    "load_script",
    "next_step",
    "part_count",
    "pause",
    "plan",
    "previous_step",
    "restore",
    "resume",
    "slower",
    "start_over",
    "worth_offering",
]


def load_script(data: Mapping[str, Any]) -> Script:
    """The script in one locale's ``winddown*.toml`` data; raises ValueError when it would
    not sound right."""
    script = parse_script(data)
    problems = script_problems(script)
    if problems:
        raise ValueError("the wind-down script: " + "; ".join(problems))
    return script
