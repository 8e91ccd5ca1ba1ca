"""Discreet mode: "speak quietly" whispers and keeps sensitive details for the card.

The choice is kept in the profile, so it holds in later sessions too.
"""

from __future__ import annotations

from dataclasses import replace

from aftercare.conversation import Reply, Turn
from aftercare.handlers.base import IntentHandler
from aftercare.handlers.winddown import held_reply


def discreet_reply(turn: Turn, quiet: bool) -> Reply:
    profile = turn.profile()
    turn.save_profile(replace(profile, quiet=quiet))
    turn.voice.quiet = quiet  # this very answer already in the chosen voice
    key = "discreet_on" if quiet else "discreet_off"
    if turn.state.winddown is not None:
        return held_reply(turn, turn.state.winddown, key)
    return Reply(
        speech=turn.voice.ssml("lines", keys=[key, "ask_what"]),
        reprompt=turn.voice.ssml("lines", keys=["start_reprompt"]),
        remember=False,
    )


class DiscreetOnHandler(IntentHandler):
    intent_names = ("DiscreetOnIntent",)

    def reply(self, turn: Turn) -> Reply:
        return discreet_reply(turn, quiet=True)


class DiscreetOffHandler(IntentHandler):
    intent_names = ("DiscreetOffIntent",)

    def reply(self, turn: Turn) -> Reply:
        return discreet_reply(turn, quiet=False)


def handlers() -> list[IntentHandler]:
    return [DiscreetOnHandler(), DiscreetOffHandler()]
