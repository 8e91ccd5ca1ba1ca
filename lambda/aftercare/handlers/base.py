"""The one shape of an intent handler: it names its intents, and ``can_handle`` only compares names.

Declaring the names lets the tests prove that the interaction models and the handlers agree.
"""

from __future__ import annotations

from abc import abstractmethod

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type
from ask_sdk_model import Response

from aftercare.conversation import Reply, Turn, respond, turn_of


class IntentHandler(AbstractRequestHandler):
    intent_names: tuple[str, ...] = ()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("IntentRequest")(handler_input)) and (
            get_intent_name(handler_input) in self.intent_names
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, self.reply(turn_of(handler_input)))

    @abstractmethod
    def reply(self, turn: Turn) -> Reply:
        """What the listener hears; the turn's state is updated in place."""
