"""Discreet mode: whispered, fewer sensitive words aloud, remembered across sessions."""

from __future__ import annotations

from aftercare.content import Library, find_content_dir
from tests.conftest import MakeSkill
from tests.harness import Conversation

CONTENT = Library(find_content_dir()).for_locale("en-US")
WHISPER = '<amazon:effect name="whispered">'


def test_speak_quietly_whispers_from_that_answer_on(conversation: Conversation) -> None:
    conversation.launch()
    heard = conversation.say("DiscreetOnIntent")
    assert WHISPER in heard.ssml
    assert CONTENT.phrases["discreet_on"][0] in heard.text
    assert WHISPER in conversation.say("WhatIsAftercareIntent").ssml


def test_in_discreet_mode_details_go_to_the_card_not_aloud(conversation: Conversation) -> None:
    conversation.say("DiscreetOnIntent")
    heard = conversation.say("PhysicalAftercareIntent")
    topic = CONTENT.topic("physical")
    assert topic.answer[0] in heard.text
    assert topic.answer[-1] not in heard.text
    assert CONTENT.phrases["quiet_rest_on_card"][0] in heard.text
    assert heard.card is not None and topic.answer[-1] in heard.card["content"]


def test_discreet_safety_answer_still_gives_the_emergency_and_crisis_numbers(
    conversation: Conversation,
) -> None:
    conversation.say("DiscreetOnIntent")
    heard = conversation.say("SafetyIntent")
    numbers = CONTENT.facts["safety"]
    assert numbers["emergency"] in heard.text and numbers["crisis_number"] in heard.text
    assert numbers["violence_number"] not in heard.text
    assert heard.card is not None and numbers["violence_number"] in heard.card["content"]


def test_discreet_mode_is_remembered_in_a_later_session(make_skill: MakeSkill) -> None:
    Conversation(make_skill()).say("DiscreetOnIntent")
    later = Conversation(make_skill())
    assert WHISPER in later.launch().ssml
    heard = later.say("DiscreetOffIntent")
    assert WHISPER not in heard.ssml
    assert CONTENT.phrases["discreet_off"][0] in heard.text
    assert WHISPER not in Conversation(make_skill()).launch().ssml


def test_turning_it_on_during_a_wind_down_holds_the_part_to_resume(
    conversation: Conversation,
) -> None:
    started = conversation.say("StartWindDownIntent")
    heard = conversation.say("DiscreetOnIntent")
    assert WHISPER in heard.ssml
    assert any(line in heard.text for line in CONTENT.phrases["winddown_paused"])
    resumed = conversation.say("AMAZON.ResumeIntent")
    assert WHISPER in resumed.ssml
    middle = len(started.text) // 2
    assert started.text[middle : middle + 60] in resumed.text
