"""Answers to the skill's own questions: "yes" takes the offer, "no" asks what else, then ends."""

from __future__ import annotations

from aftercare.conversation import Reply, Turn
from aftercare.handlers.base import IntentHandler
from aftercare.journeys import go_to


def goodbye_reply(turn: Turn) -> Reply:
    return Reply(speech=turn.voice.ssml("goodbye"), end_session=True)


def what_else_reply(turn: Turn) -> Reply:
    turn.state.offer, turn.state.asked_what_else = None, True
    return Reply(
        speech=turn.voice.ssml("lines", keys=["what_else"]),
        reprompt=turn.voice.ssml("lines", keys=["what_else_reprompt"]),
    )


class YesHandler(IntentHandler):
    intent_names = ("AMAZON.YesIntent",)

    def reply(self, turn: Turn) -> Reply:
        offer = turn.state.offer
        return go_to(turn, offer) if offer else what_else_reply(turn)


def declined_reply(turn: Turn, offer: str) -> Reply:
    """A "no" to an offer: its own gentle answer where content has one (``declined_<offer>``),
    which ends the session; otherwise "what else?"."""
    key = f"declined_{offer}"
    if key in turn.voice.content.phrases:
        turn.state.offer = None
        return Reply(speech=turn.voice.ssml("lines", keys=[key]), end_session=True)
    return what_else_reply(turn)


class NoHandler(IntentHandler):
    intent_names = ("AMAZON.NoIntent",)

    def reply(self, turn: Turn) -> Reply:
        offer = turn.state.offer
        if offer is not None and not turn.state.asked_what_else:
            return declined_reply(turn, offer)
        return goodbye_reply(turn)


def handlers() -> list[IntentHandler]:
    return [YesHandler(), NoHandler()]
