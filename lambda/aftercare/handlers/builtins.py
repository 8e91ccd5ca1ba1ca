"""Opening the skill and Alexa's built-in intents: help, stop, fallback, repeat, start over."""

from __future__ import annotations

import logging
from dataclasses import replace

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from aftercare.conversation import Reply, Turn, respond, turn_of
from aftercare.handlers.base import IntentHandler
from aftercare.handlers.followups import goodbye_reply
from aftercare.handlers.winddown import RESUME, START, welcome_back_reply

log = logging.getLogger(__name__)


def welcome_reply(turn: Turn) -> Reply:
    """The welcome; on first use it carries the not-medical-advice sentence, once. After an
    interrupted wind-down it offers to pick that up."""
    profile = turn.profile()
    first_use = not profile.disclaimer_heard
    if first_use:
        turn.save_profile(replace(profile, disclaimer_heard=True))
    resume_offer = welcome_back_reply(turn, first_use)
    if resume_offer is not None:
        return resume_offer
    return Reply(
        speech=turn.voice.ssml("welcome", first_use=first_use, returning=not first_use),
        reprompt=turn.voice.ssml("lines", keys=["start_reprompt"]),
    )


def help_reply(turn: Turn) -> Reply:
    state = turn.state
    where = "idea" if state.offer == "idea" else "topic" if state.topic else "start"
    if where == "start":
        keys = ["help_start", "help_winddown_start", "help_therapist_start", "help_close"]
    else:
        keys = [f"help_{where}"]
    if state.offer in (START, RESUME):
        keys = [f"help_{state.offer}"]
    return Reply(
        speech=turn.voice.ssml("lines", keys=keys),
        reprompt=turn.voice.ssml("lines", keys=["help_reprompt"]),
    )


def fallback_reply(turn: Turn) -> Reply:
    return Reply(
        speech=turn.voice.ssml("lines", keys=["fallback"]),
        reprompt=turn.voice.ssml("lines", keys=["fallback_reprompt"]),
        remember=False,
    )


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, welcome_reply(turn_of(handler_input)))


class HelpHandler(IntentHandler):
    intent_names = ("AMAZON.HelpIntent",)

    def reply(self, turn: Turn) -> Reply:
        return help_reply(turn)


class GoodbyeHandler(IntentHandler):
    intent_names = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def reply(self, turn: Turn) -> Reply:
        return goodbye_reply(turn)


class RepeatHandler(IntentHandler):
    intent_names = ("AMAZON.RepeatIntent",)

    def reply(self, turn: Turn) -> Reply:
        last = turn.state.last
        if last is None:
            return Reply(
                speech=turn.voice.ssml("lines", keys=["nothing_to_repeat", "ask_what"]),
                reprompt=turn.voice.ssml("lines", keys=["start_reprompt"]),
                remember=False,
            )
        return Reply(last.speech, last.reprompt, last.card_title, last.card_text)


class StartOverHandler(IntentHandler):
    """Start over, and Navigate Home: back to the welcome, keeping which ideas were heard."""

    intent_names = ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent")

    def reply(self, turn: Turn) -> Reply:
        turn.state = turn.state.restarted()
        return welcome_reply(turn)


class FallbackHandler(IntentHandler):
    """Alexa's FallbackIntent, and any intent this version of the skill does not know."""

    intent_names = ("AMAZON.FallbackIntent",)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("IntentRequest")(handler_input))

    def reply(self, turn: Turn) -> Reply:
        return fallback_reply(turn)


class SessionEndedHandler(AbstractRequestHandler):
    """The session closed (the listener left, or said nothing): no speech is allowed back."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        error = getattr(handler_input.request_envelope.request, "error", None)
        if error is not None:
            log.warning("session ended with an error: %s", getattr(error, "object_type", ""))
        turn_of(handler_input).save_pending()
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Any other request type (system events, newer interfaces): an empty, valid response."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


def handlers() -> list[AbstractRequestHandler]:
    return [
        LaunchHandler(),
        HelpHandler(),
        GoodbyeHandler(),
        RepeatHandler(),
        StartOverHandler(),
        SessionEndedHandler(),
    ]


def catch_alls() -> list[AbstractRequestHandler]:
    """Registered after every journey's handlers, so they only get what nothing else takes."""
    return [FallbackHandler(), OtherRequestHandler()]
