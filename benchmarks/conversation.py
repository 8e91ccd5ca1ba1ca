"""The conversation mix both skills answer: recorded once, then replayed as fixed envelopes.

The skill's envelopes are recorded by playing the script against the skill itself, so the session
attributes Alexa would carry back are the ones the skill really sends. The baseline answers the
same sequence of request types, each intent mapped to the baseline intent a listener would use for
the same wish (any "tell me something" is its one fact intent; "no" is stop).
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tools import envelopes
from tools.envelopes import Session

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

LAUNCH = "LaunchRequest"
ENDED = "SessionEndedRequest"


@dataclass(frozen=True)
class Step:
    kind: str
    """``LaunchRequest``, ``SessionEndedRequest`` or an intent name."""
    reason: str = "USER_INITIATED"
    """For a SessionEndedRequest: why Alexa closed the session."""


SESSIONS: tuple[tuple[Step, ...], ...] = (
    # Opens the skill, learns, takes offers, hears ideas, asks for help, then stops.
    (
        Step(LAUNCH),
        Step("WhatIsAftercareIntent"),
        Step("TellMeMoreIntent"),
        Step("AMAZON.YesIntent"),
        Step("AftercareIdeaIntent"),
        Step("AMAZON.YesIntent"),
        Step("AMAZON.HelpIntent"),
        Step("PhysicalAftercareIntent"),
        Step("AMAZON.NoIntent"),
        Step("AMAZON.StopIntent"),
    ),
    # Asks in one breath, takes the offer, says something the model does not know, walks away.
    (
        Step("AftercareIdeaIntent"),
        Step("AMAZON.YesIntent"),
        Step("AMAZON.FallbackIntent"),
        Step(ENDED, reason="EXCEEDED_MAX_REPROMPTS"),
    ),
    # Opens the skill, hears one answer and the help, then says "exit".
    (
        Step(LAUNCH),
        Step("WhatIsAftercareIntent"),
        Step("AMAZON.HelpIntent"),
        Step(ENDED, reason="USER_INITIATED"),
    ),
)

BASELINE_INTENT = {
    "WhatIsAftercareIntent": "GetNewFactIntent",
    "PhysicalAftercareIntent": "GetNewFactIntent",
    "TellMeMoreIntent": "GetNewFactIntent",
    "AftercareIdeaIntent": "GetNewFactIntent",
    "AMAZON.YesIntent": "GetNewFactIntent",
    "AMAZON.NoIntent": "AMAZON.StopIntent",
    "AMAZON.HelpIntent": "AMAZON.HelpIntent",
    "AMAZON.StopIntent": "AMAZON.StopIntent",
    "AMAZON.FallbackIntent": "AMAZON.FallbackIntent",
}


class ConversationError(RuntimeError):
    """The skill did not answer the script as a working skill would."""


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _envelope(step: Step, session: Session) -> dict[str, Any]:
    if step.kind == LAUNCH:
        return envelopes.launch_request(session=session)
    if step.kind == ENDED:
        return envelopes.session_ended_request(step.reason, session=session)
    return envelopes.intent_request(step.kind, session=session)


def kind_of(event: dict[str, Any]) -> str:
    request = event["request"]
    return str(request["intent"]["name"]) if "intent" in request else str(request["type"])


def record(handler: Handler) -> list[dict[str, Any]]:
    """Play the script against the skill; the envelopes it was sent, in order.

    Raises ConversationError if the skill logs an error, apologises, or ends a session before the
    script does: a benchmark of the error path would measure the wrong thing.
    """
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    sent: list[dict[str, Any]] = []
    try:
        for steps in SESSIONS:
            session = Session()
            for position, step in enumerate(steps):
                event = _envelope(step, session)
                sent.append(copy.deepcopy(event))
                answer = handler(event, None)
                last = position == len(steps) - 1
                if step.kind == ENDED:
                    continue
                if "outputSpeech" not in answer.get("response", {}):
                    raise ConversationError(f"{step.kind}: no speech in {answer}")
                ended = session.apply(answer)
                if ended and not last:
                    raise ConversationError(f"{step.kind} ended the session before the script")
    finally:
        logging.getLogger().removeHandler(errors)
    if errors.messages:
        raise ConversationError(f"the skill logged errors: {errors.messages[:3]}")
    return sent


def for_baseline(skill_events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same requests, ids and sessions for the baseline: its intents, no attributes."""
    mapped = []
    for event in skill_events:
        copied = copy.deepcopy(event)
        copied["session"]["attributes"] = {}
        intent = copied["request"].get("intent")
        if intent is not None:
            intent["name"] = BASELINE_INTENT[intent["name"]]
        mapped.append(copied)
    return mapped


def attribute_sizes(handler: Handler, events: Sequence[dict[str, Any]]) -> list[int]:
    """Bytes of the session attributes each answer sends back (compact JSON)."""
    sizes = []
    for event in events:
        answer = handler(event, None)
        attributes = answer.get("sessionAttributes") or {}
        sizes.append(len(json.dumps(attributes, separators=(",", ":")).encode()))
    return sizes
