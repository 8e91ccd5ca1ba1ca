"""Safety: someone is hurt, unsafe or in crisis. Reachable from anywhere, answered at once.

Registered first, so no other journey's state (a wind-down in progress, a pending offer) can
take these words. The skill tells people whom to call; it never offers to call for them.
"""

from __future__ import annotations

from aftercare.conversation import Reply, Turn
from aftercare.handlers.base import IntentHandler
from aftercare.journeys import journey


@journey("safety")
def safety_reply(turn: Turn) -> Reply:
    """Support, the locale's crisis and violence lines and emergency number, then grounding."""
    turn.state.topic, turn.state.offer, turn.state.asked_what_else = None, "grounding", False
    numbers = turn.voice.content.facts["safety"]
    return Reply(
        speech=turn.voice.ssml("safety", safety=numbers),
        reprompt=turn.voice.ssml("offer", next="grounding"),
        card_title=turn.voice.phrase("safety_card_title"),
        card_text=turn.voice.text("safety", safety=numbers),
    )


@journey("grounding")
def grounding_reply(turn: Turn) -> Reply:
    """About a minute of slow breathing and noticing touch and sound, right now."""
    turn.state.offer, turn.state.asked_what_else = "safety", False
    return Reply(
        speech=turn.voice.ssml("grounding"),
        reprompt=turn.voice.ssml("lines", keys=["grounding_reprompt"]),
    )


def medical_advice_reply(turn: Turn) -> Reply:
    turn.state.offer, turn.state.asked_what_else = None, False
    return Reply(
        speech=turn.voice.ssml("lines", keys=["medical_advice", "ask_what"]),
        reprompt=turn.voice.ssml("lines", keys=["start_reprompt"]),
        card_title=turn.voice.phrase("medical_card_title"),
        card_text=turn.voice.phrase("medical_advice"),
    )


class SafetyHandler(IntentHandler):
    intent_names = ("SafetyIntent",)

    def reply(self, turn: Turn) -> Reply:
        return safety_reply(turn)


class MedicalAdviceHandler(IntentHandler):
    """ "Is this medical advice?" """

    intent_names = ("MedicalAdviceIntent",)

    def reply(self, turn: Turn) -> Reply:
        return medical_advice_reply(turn)


def handlers() -> list[IntentHandler]:
    return [SafetyHandler(), MedicalAdviceHandler()]
