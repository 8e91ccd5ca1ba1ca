"""Opening the skill and Alexa's built-in intents, heard at the envelope."""

from __future__ import annotations

from aftercare.content import Library, find_content_dir
from aftercare.skill import LambdaHandler
from tests.conftest import MakeSkill
from tests.harness import Conversation
from tools import envelopes

CONTENT = Library(find_content_dir()).for_locale("en-US")
PHRASES = CONTENT.phrases


def said_one_of(text: str, key: str) -> bool:
    return any(line in text for line in PHRASES[key])


def test_first_welcome_says_what_the_skill_offers_and_carries_the_disclaimer_once(
    conversation: Conversation,
) -> None:
    first = conversation.launch()
    assert said_one_of(first.text, "welcome")
    assert said_one_of(first.text, "offerings")
    assert PHRASES["disclaimer"][0] in first.text
    assert first.text.endswith("?") and first.reprompt and not first.ends_session

    again = conversation.launch()
    assert PHRASES["disclaimer"][0] not in again.text
    assert said_one_of(again.text, "welcome_back")


def test_disclaimer_is_remembered_across_skill_restarts(make_skill: MakeSkill) -> None:
    Conversation(make_skill()).launch()
    heard = Conversation(make_skill()).launch()
    assert PHRASES["disclaimer"][0] not in heard.text


def test_help_fits_where_the_listener_is(conversation: Conversation) -> None:
    conversation.launch()
    assert PHRASES["help_start"][0] in conversation.say("AMAZON.HelpIntent").text
    conversation.say("PhysicalAftercareIntent")
    assert PHRASES["help_topic"][0] in conversation.say("AMAZON.HelpIntent").text
    conversation.say("AftercareIdeaIntent")
    heard = conversation.say("AMAZON.HelpIntent")
    assert PHRASES["help_idea"][0] in heard.text
    assert heard.reprompt and not heard.ends_session


def test_stop_and_cancel_end_with_a_warm_goodbye(conversation: Conversation) -> None:
    for intent in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
        conversation.launch()
        heard = conversation.say(intent)
        assert heard.ends_session
        assert heard.text in PHRASES["goodbye"]


def test_fallback_gives_two_examples_and_keeps_the_session_open(
    conversation: Conversation,
) -> None:
    conversation.launch()
    heard = conversation.say("AMAZON.FallbackIntent")
    assert said_one_of(heard.text, "fallback")
    assert heard.text.count(",") >= 2
    assert heard.reprompt and not heard.ends_session


def test_repeat_says_the_last_answer_again(conversation: Conversation) -> None:
    conversation.launch()
    answer = conversation.say("WhyAftercareMattersIntent")
    conversation.say("AMAZON.FallbackIntent")
    again = conversation.say("AMAZON.RepeatIntent")
    assert again.ssml == answer.ssml
    assert again.card == answer.card


def test_repeat_with_nothing_said_yet_says_so_kindly(conversation: Conversation) -> None:
    heard = conversation.say("AMAZON.RepeatIntent")
    assert PHRASES["nothing_to_repeat"][0] in heard.text
    assert not heard.ends_session


def test_start_over_and_navigate_home_return_to_the_welcome(conversation: Conversation) -> None:
    for intent in ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent"):
        conversation.launch()
        conversation.say("WhatToAvoidIntent")
        heard = conversation.say(intent)
        assert said_one_of(heard.text, "offerings")
        assert "topic" not in heard.attributes


def test_session_ended_is_answered_silently(conversation: Conversation) -> None:
    conversation.launch()
    heard = conversation.end("EXCEEDED_MAX_REPROMPTS")
    assert "outputSpeech" not in heard.response


def test_an_intent_this_version_does_not_know_gets_the_fallback(
    conversation: Conversation,
) -> None:
    heard = conversation.say("SomeRetiredIntent")
    assert said_one_of(heard.text, "fallback")
    assert not heard.ends_session


def test_an_unknown_request_type_gets_an_empty_valid_response(
    conversation: Conversation,
) -> None:
    heard = conversation.send(envelopes.request({"type": "Alexa.Presentation.APL.UserEvent"}))
    assert "outputSpeech" not in heard.response


def test_an_unknown_locale_is_answered_in_the_default(skill: LambdaHandler) -> None:
    heard = Conversation(skill, locale="xx-XX").say("WhatIsAftercareIntent")
    assert CONTENT.topic("what_is").answer[0] in heard.text
