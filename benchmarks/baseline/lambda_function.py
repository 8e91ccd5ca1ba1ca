"""The baseline: the smallest honest ask-sdk-core skill of the same shape as Amazon's fact sample.

Launch, one intent (a random fact), help, stop or cancel, fallback, session end, and a catch-all
exception handler; plain speak/ask strings, no templates, no persistence, no interceptors. The
handler is the SDK's own ``SkillBuilder.lambda_handler()``, as the sample deploys it, so every
call builds a fresh ``CustomSkill``: that is part of what the baseline honestly costs.
"""

from __future__ import annotations

import random

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

SKILL_NAME = "Calm Facts"
FACTS = (
    "A slow breath out, longer than the breath in, tells the body it can rest.",
    "A warm drink after a long day helps many people feel settled.",
    "Sitting close to someone you trust can lower your heart rate.",
    "A glass of water is one of the simplest kindnesses you can offer.",
    "Quiet music at a gentle tempo can help a busy mind slow down.",
)
WELCOME = "Welcome to Calm Facts. Say tell me a fact, or ask for help."
FACT_PROMPT = "Ask for another fact, or say stop."
HELP = "You can say tell me a fact, or you can say stop. What would you like?"
REPROMPT = "What would you like?"
GOODBYE = "Goodbye."
FALLBACK = "Calm Facts can't help with that. It can tell you a calm fact. What would you like?"
SORRY = "Sorry, something went wrong. Please try again."


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak(WELCOME).ask(REPROMPT).response


class FactHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("GetNewFactIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        fact = random.choice(FACTS)
        builder = handler_input.response_builder
        builder.speak(f"Here's your fact. {fact} {FACT_PROMPT}").ask(FACT_PROMPT)
        builder.set_card(SimpleCard(SKILL_NAME, fact))
        return builder.response


class HelpHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.HelpIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak(HELP).ask(REPROMPT).response


class StopHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(
            is_intent_name("AMAZON.StopIntent")(handler_input)
            or is_intent_name("AMAZON.CancelIntent")(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder
        return builder.speak(GOODBYE).set_should_end_session(True).response


class FallbackHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AMAZON.FallbackIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak(FALLBACK).ask(REPROMPT).response


class SessionEndedHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        return handler_input.response_builder.speak(SORRY).ask(REPROMPT).response


sb = SkillBuilder()
sb.add_request_handler(LaunchHandler())
sb.add_request_handler(FactHandler())
sb.add_request_handler(HelpHandler())
sb.add_request_handler(StopHandler())
sb.add_request_handler(FallbackHandler())
sb.add_request_handler(SessionEndedHandler())
sb.add_exception_handler(CatchAllExceptionHandler())

lambda_handler = sb.lambda_handler()
