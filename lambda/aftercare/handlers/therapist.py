"""Sex therapy: where to find a certified sex therapist, what therapy is like, and the deployer's
own contact when one is configured.

Every answer ends with one offer. After the directory answer that offer is the configured
practice, by name; without one it is something to learn next, so no contact is ever made up.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput

from aftercare.conversation import Reply, Turn
from aftercare.handlers.base import IntentHandler
from aftercare.journeys import journey
from aftercare.practice import Practice
from aftercare.therapy import QUESTIONS

PRACTICE_KEY = "practice"
AFTER_PRACTICE = "therapy_session"
"""What is offered after the directory (when no practice is set) and after a practice's contact."""

QUESTION_INTENTS = {
    "WhatIsSexTherapyIntent": "what_is",
    "SexTherapySessionIntent": "session",
    "SexTherapyNudityIntent": "nudity",
    "WhySeeSexTherapistIntent": "reasons",
    "SexTherapyAloneOrTogetherIntent": "couples",
    "CertifiedSexTherapistIntent": "certified",
}


def journey_of(question: str) -> str:
    """The name "yes" uses for a question, e.g. ``therapy_session``."""
    return f"therapy_{question}"


class PracticeInterceptor(AbstractRequestInterceptor):
    """Makes the deployer's contact (or None) available to this journey for each request."""

    def __init__(self, practice: Practice | None) -> None:
        self.practice = practice

    def process(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes[PRACTICE_KEY] = self.practice


def practice_of(turn: Turn) -> Practice | None:
    practice = turn.handler_input.attributes_manager.request_attributes.get(PRACTICE_KEY)
    return practice if isinstance(practice, Practice) else None


def _offering(turn: Turn, target: str) -> None:
    state = turn.state
    state.topic, state.depth, state.offer, state.asked_what_else = None, 0, target, False


@journey("therapist")
def find_therapist_reply(turn: Turn) -> Reply:
    """Where to look in the listener's country, what certified means, one tip; the same on a card.

    With a practice configured, its contact is offered next.
    """
    therapy = turn.voice.content.therapy
    directory = therapy.directory
    practice = practice_of(turn)
    target = "practice" if practice else AFTER_PRACTICE
    _offering(turn, target)
    offer = {"next": target, "practice_name": practice.name if practice else None}
    said = therapy.spoken((*directory.where, directory.certified, directory.tip))
    return Reply(
        speech=turn.voice.ssml("therapist", paragraphs=said, card_note=True, **offer),
        reprompt=turn.voice.ssml("therapist", paragraphs=(), card_note=False, **offer),
        card_title=turn.voice.phrase("therapist_card_title"),
        card_text=turn.voice.text(
            "therapist",
            listings=directory.listings,
            certified=directory.certified,
            tip=directory.tip,
        ),
    )


def _card_line(practice: Practice) -> str:
    """The phrase saying what else the card holds, beyond what was just said."""
    if practice.email and practice.website:
        return "therapist_card_email_and_website"
    if practice.email:
        return "therapist_card_email"
    if practice.website:
        return "therapist_card_website"
    return "therapist_card_phone"


@journey("practice")
def practice_reply(turn: Turn) -> Reply:
    """The deployer's contact; without one, the directory answer instead of anything invented."""
    practice = practice_of(turn)
    if practice is None:
        return find_therapist_reply(turn)
    _offering(turn, AFTER_PRACTICE)
    return Reply(
        speech=turn.voice.ssml(
            "therapist_practice",
            practice=practice,
            card_line=_card_line(practice),
            next=AFTER_PRACTICE,
        ),
        reprompt=turn.voice.ssml(
            "therapist", paragraphs=(), card_note=False, next=AFTER_PRACTICE, practice_name=None
        ),
        card_title=practice.name,
        card_text=turn.voice.text("therapist_practice", practice=practice),
    )


def question_reply(turn: Turn, question: str) -> Reply:
    """A short answer about sex therapy, ending with the offer the content names."""
    therapy = turn.voice.content.therapy
    answer = therapy.answers[question]
    _offering(turn, answer.offer)
    offer = {"next": answer.offer, "practice_name": None}
    return Reply(
        speech=turn.voice.ssml(
            "therapist", paragraphs=therapy.spoken(answer.answer), card_note=False, **offer
        ),
        reprompt=turn.voice.ssml("therapist", paragraphs=(), card_note=False, **offer),
        card_title=answer.title,
        card_text=turn.voice.text("topic", paragraphs=answer.answer),
    )


def _register_questions() -> None:
    for question in QUESTIONS:

        def reply(turn: Turn, question: str = question) -> Reply:
            return question_reply(turn, question)

        journey(journey_of(question))(reply)


_register_questions()


class FindTherapistHandler(IntentHandler):
    intent_names = ("FindTherapistIntent",)

    def reply(self, turn: Turn) -> Reply:
        return find_therapist_reply(turn)


class SexTherapyQuestionHandler(IntentHandler):
    """An intent that always asks one question about sex therapy."""

    def __init__(self, intent_name: str, question: str) -> None:
        self.intent_names = (intent_name,)
        self.question = question

    def reply(self, turn: Turn) -> Reply:
        return question_reply(turn, self.question)


def handlers() -> list[IntentHandler]:
    return [
        FindTherapistHandler(),
        *(SexTherapyQuestionHandler(name, question) for name, question in QUESTION_INTENTS.items()),
    ]
