"""Answers to the skill's own questions: "yes" takes the offer, "no" asks what else, then ends."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from aftercare.conversation import Reply, Turn, respond, turn_of
from aftercare.journeys import go_to


def goodbye_reply(turn: Turn) -> Reply:
    return Reply(speech=turn.voice.ssml("goodbye"), end_session=True)


def what_else_reply(turn: Turn) -> Reply:
    turn.state.offer, turn.state.asked_what_else = None, True
    return Reply(
        speech=turn.voice.ssml("lines", keys=["what_else"]),
        reprompt=turn.voice.ssml("lines", keys=["what_else_reprompt"]),
    )


class YesHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.YesIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        offer = turn.state.offer
        return respond(handler_input, go_to(turn, offer) if offer else what_else_reply(turn))


class NoHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.NoIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        declined_offer = turn.state.offer is not None and not turn.state.asked_what_else
        reply = what_else_reply(turn) if declined_offer else goodbye_reply(turn)
        return respond(handler_input, reply)


def handlers() -> list[AbstractRequestHandler]:
    return [YesHandler(), NoHandler()]
