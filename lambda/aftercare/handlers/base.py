"""The one shape of an intent handler: it names its intents, and ``can_handle`` only compares names.

Declaring the names lets the tests prove that the interaction models and the handlers agree.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from aftercare.conversation import Reply, Turn, respond, turn_of


class IntentHandler(AbstractRequestHandler):
    intent_names: tuple[str, ...] = ()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # What the SDK's is_request_type and get_intent_name check, read directly: the SDK asks
        # every handler in turn, on every request. (An intent request without an intent fails
        # here, as it does there.)
        request = handler_input.request_envelope.request
        if not isinstance(request, IntentRequest):
            return False
        intent: Any = request.intent
        return intent.name in self.intent_names

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, self.reply(turn_of(handler_input)))

    @abstractmethod
    def reply(self, turn: Turn) -> Reply:
        """What the listener hears; the turn's state is updated in place."""
