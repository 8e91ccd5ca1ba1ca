"""Where an accepted offer or a named topic leads.

A learn topic id leads to that topic; any other name leads to the journey registered under it
(for example "idea"). "Yes" and "tell me about {topic}" both go through ``go_to``, so an offer
and a request for the same thing always sound the same.
"""

from __future__ import annotations

from collections.abc import Callable

from aftercare.conversation import Reply, Turn

Journey = Callable[[Turn], Reply]
_JOURNEYS: dict[str, Journey] = {}


def journey(name: str) -> Callable[[Journey], Journey]:
    """Register a function as the place ``name`` leads to."""

    def register(function: Journey) -> Journey:
        if name in _JOURNEYS:
            raise ValueError(f"two journeys are named {name!r}")
        _JOURNEYS[name] = function
        return function

    return register


def go_to(turn: Turn, target: str) -> Reply:
    # Imported here: learn registers journeys itself, so it imports this module first.
    from aftercare.handlers.learn import topic_reply, unknown_topic_reply

    if target in turn.voice.content.topics:
        return topic_reply(turn, target)
    journey_to = _JOURNEYS.get(target)
    return journey_to(turn) if journey_to else unknown_topic_reply(turn)
