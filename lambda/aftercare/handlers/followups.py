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


class NoHandler(IntentHandler):
    intent_names = ("AMAZON.NoIntent",)

    def reply(self, turn: Turn) -> Reply:
        declined_offer = turn.state.offer is not None and not turn.state.asked_what_else
        return what_else_reply(turn) if declined_offer else goodbye_reply(turn)


def handlers() -> list[IntentHandler]:
    return [YesHandler(), NoHandler()]
