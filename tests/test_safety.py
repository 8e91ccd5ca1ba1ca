"""Someone hurt, unsafe or in crisis is answered at once, calmly, with the lines to call."""

from __future__ import annotations

import difflib

import pytest

from aftercare import ssml
from aftercare.content import Library, find_content_dir
from tests.harness import Conversation, load_model
from tools.nlu import Nlu

CONTENT = Library(find_content_dir()).for_locale("en-US")
NUMBERS = CONTENT.facts["safety"]
NLU = Nlu.from_model("en-US")


def samples_of(intent_name: str) -> list[str]:
    intent = next(i for i in load_model()["intents"] if i["name"] == intent_name)
    return list(intent["samples"])


def test_there_are_at_least_thirty_safety_phrasings() -> None:
    assert len(samples_of("SafetyIntent")) >= 30


@pytest.mark.parametrize("sample", samples_of("SafetyIntent"))
def test_no_other_intent_has_a_sample_close_to_a_safety_phrasing(sample: str) -> None:
    for intent in load_model()["intents"]:
        if intent["name"] == "SafetyIntent":
            continue
        for other in intent.get("samples", []):
            ratio = difflib.SequenceMatcher(None, sample, other).ratio()
            assert ratio < 0.85, (sample, intent["name"], other)


@pytest.mark.parametrize(
    "typed",
    ["my partner hurt me", "i was forced", "i want to hurt myself", "i'm having a panic attack"],
)
def test_typed_safety_phrasings_reach_the_safety_intent(typed: str) -> None:
    assert NLU.understand(typed).intent == "SafetyIntent"


def test_the_answer_gives_support_every_line_and_offers_grounding(
    conversation: Conversation,
) -> None:
    heard = conversation.say("SafetyIntent")
    assert any(line in heard.text for line in CONTENT.phrases["safety_opening"])
    for key in ("emergency", "crisis_number", "violence_number", "assault_number"):
        assert NUMBERS[key] in heard.text
        assert NUMBERS[key] in (heard.card or {}).get("content", "")
    assert f'<say-as interpret-as="telephone">{NUMBERS["emergency"]}</say-as>' in heard.ssml
    assert "!" not in heard.text
    assert "call for you" not in heard.text.lower() and "i'll call" not in heard.text.lower()
    assert CONTENT.offers["grounding"][0] in heard.text
    assert heard.reprompt and not heard.ends_session


def test_yes_starts_grounding_right_away(conversation: Conversation) -> None:
    conversation.say("SafetyIntent")
    heard = conversation.say("AMAZON.YesIntent")
    assert CONTENT.phrases["grounding_intro"][0] in heard.text
    assert ssml.problems(heard.ssml) == []
    assert heard.reprompt and not heard.ends_session
    again = conversation.say("AMAZON.YesIntent")
    assert NUMBERS["crisis_number"] in again.text


def test_no_ends_gently_without_what_else(conversation: Conversation) -> None:
    conversation.say("SafetyIntent")
    heard = conversation.say("AMAZON.NoIntent")
    assert heard.text == CONTENT.phrases["declined_grounding"][0]
    assert heard.ends_session


def test_safety_is_reached_in_the_middle_of_anything_and_takes_the_next_yes(
    conversation: Conversation,
) -> None:
    conversation.launch()
    conversation.say("AftercareIdeaIntent")
    heard = conversation.say("SafetyIntent")
    assert NUMBERS["emergency"] in heard.text
    assert CONTENT.phrases["grounding_intro"][0] in conversation.say("AMAZON.YesIntent").text


def test_is_this_medical_advice_is_answered_plainly(conversation: Conversation) -> None:
    heard = conversation.say("MedicalAdviceIntent")
    assert CONTENT.phrases["medical_advice"][0] in heard.text
    assert heard.card is not None
    assert not heard.ends_session
