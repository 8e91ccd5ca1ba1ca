"""The listener's control over what is stored: "delete my data", and disabling the skill."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from aftercare.conversation import Reply, Turn, turn_of
from aftercare.handlers.base import IntentHandler
from aftercare.journeys import journey

log = logging.getLogger(__name__)
DELETE = "delete_data"
"""The offer a "yes" to "should I delete it?" takes."""


def confirm_delete_reply(turn: Turn) -> Reply:
    """Deleting cannot be undone, so it is asked once more; "yes" goes to ``delete_data``."""
    turn.state.offer, turn.state.asked_what_else = DELETE, False
    return Reply(
        speech=turn.voice.ssml("lines", keys=["delete_confirm"]),
        reprompt=turn.voice.ssml("offer", next=DELETE),
        remember=False,
    )


@journey(DELETE)
def delete_reply(turn: Turn) -> Reply:
    turn.state.offer = None
    if not turn.forget():
        return Reply(
            speech=turn.voice.ssml("lines", keys=["delete_failed"]),
            reprompt=turn.voice.ssml("lines", keys=["fallback_reprompt"]),
            remember=False,
        )
    return Reply(speech=turn.voice.ssml("lines", keys=["deleted"]), end_session=True)


class DeleteDataHandler(IntentHandler):
    intent_names = ("DeleteDataIntent",)

    def reply(self, turn: Turn) -> Reply:
        return confirm_delete_reply(turn)


class SkillDisabledHandler(AbstractRequestHandler):
    """Alexa tells the skill it was disabled: the listener's record goes. No speech back."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        if turn_of(handler_input).forget():
            log.info("deleted the record of a listener who disabled the skill")
        return handler_input.response_builder.response


def handlers() -> list[AbstractRequestHandler]:
    return [DeleteDataHandler(), SkillDisabledHandler()]
