"""Choosing the next aftercare idea: never the same twice until every idea was heard."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import NamedTuple


class Pick(NamedTuple):
    idea: str
    heard: list[str]
    """The ideas heard in the current round, the new one last."""
    new_round: bool
    """Every idea had been heard, so this pick starts the round again."""


def next_idea(idea_ids: Sequence[str], heard: Sequence[str], rng: random.Random) -> Pick:
    """The idea to say next; a new round never opens with the idea that closed the last one."""
    known = [idea for idea in heard if idea in idea_ids]
    fresh = [idea for idea in idea_ids if idea not in known]
    new_round = not fresh
    if new_round:
        fresh = [idea for idea in idea_ids if idea not in known[-1:]] or list(idea_ids)
        known = []
    choice = rng.choice(fresh)
    return Pick(choice, [*known, choice], new_round)
