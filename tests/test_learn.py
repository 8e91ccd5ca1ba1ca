"""The learn journey at the envelope: what a listener hears for each question and follow-up."""

from __future__ import annotations

import pytest

from aftercare.content import Library, find_content_dir
from aftercare.handlers.learn import TOPIC_INTENTS
from tests.harness import Conversation, slot_of

CONTENT = Library(find_content_dir()).for_locale("en-US")


def opening_words(topic_id: str) -> str:
    return CONTENT.topic(topic_id).answer[0]


@pytest.mark.parametrize(("intent", "topic_id"), TOPIC_INTENTS.items())
def test_each_topic_intent_answers_with_its_topic_an_offer_and_a_card(
    conversation: Conversation, intent: str, topic_id: str
) -> None:
    heard = conversation.launch()
    heard = conversation.say(intent)
    assert opening_words(topic_id) in heard.text
    assert heard.text.rstrip().endswith("?")
    assert heard.reprompt.endswith("?")
    assert not heard.ends_session
    assert heard.card is not None
    assert heard.card["title"] == CONTENT.topic(topic_id).title
    assert "<" not in heard.card["content"]


def test_one_shot_question_from_outside_the_skill_is_answered(conversation: Conversation) -> None:
    heard = conversation.say("WhatIsAftercareIntent")
    assert opening_words("what_is") in heard.text
    assert not heard.ends_session


def test_yes_takes_the_offer(conversation: Conversation) -> None:
    conversation.say("WhatIsAftercareIntent")
    offered = CONTENT.topic("what_is").offer
    heard = conversation.say("AMAZON.YesIntent")
    assert opening_words(offered) in heard.text


def test_no_asks_what_else_then_a_second_no_says_goodbye(conversation: Conversation) -> None:
    conversation.say("WhatIsAftercareIntent")
    heard = conversation.say("AMAZON.NoIntent")
    assert not heard.ends_session
    assert heard.text in {f"{line}" for line in CONTENT.phrases["what_else"]}
    heard = conversation.say("AMAZON.NoIntent")
    assert heard.ends_session
    assert heard.text in CONTENT.phrases["goodbye"]


def test_tell_me_more_goes_deeper_then_says_it_is_all(conversation: Conversation) -> None:
    conversation.say("EmotionalAftercareIntent")
    heard = conversation.say("TellMeMoreIntent")
    assert CONTENT.topic("emotional").more[0] in heard.text
    heard = conversation.say("TellMeMoreIntent")
    assert any(line in heard.text for line in CONTENT.phrases["topic_done"])
    assert not heard.ends_session


def test_tell_me_more_with_nothing_said_yet_explains_aftercare(conversation: Conversation) -> None:
    heard = conversation.say("TellMeMoreIntent")
    assert opening_words("what_is") in heard.text


@pytest.mark.parametrize(
    ("spoken", "topic_id"),
    [
        ("cuddling after sex", "physical"),
        ("the emotional side", "emotional"),
        ("post sex blues", "feeling_low"),
    ],
)
def test_topic_synonyms_resolve_to_the_same_topic(
    conversation: Conversation, spoken: str, topic_id: str
) -> None:
    heard = conversation.say("TopicIntent", topic=slot_of("AFTERCARE_TOPIC", spoken))
    assert opening_words(topic_id) in heard.text


def test_unknown_topic_gets_a_kind_list_of_what_it_can_talk_about(
    conversation: Conversation,
) -> None:
    heard = conversation.say("TopicIntent", topic=slot_of("AFTERCARE_TOPIC", "knitting"))
    assert CONTENT.phrases["unknown_topic"][0] in heard.text
    assert heard.reprompt
    assert not heard.ends_session


def test_topic_intent_without_its_slot_is_answered(conversation: Conversation) -> None:
    heard = conversation.say("TopicIntent", topic=None)
    assert CONTENT.phrases["unknown_topic"][0] in heard.text


def test_ideas_never_repeat_until_all_were_heard_then_go_round_again(
    conversation: Conversation,
) -> None:
    ideas = {idea.text: idea.id for idea in CONTENT.ideas}
    heard_ids: list[str] = []
    conversation.say("AftercareIdeaIntent")
    for _ in range(len(ideas)):
        card = conversation.heard[-1].card
        assert card is not None
        heard_ids.append(ideas[card["content"]])
        conversation.say("AMAZON.YesIntent")
    assert sorted(heard_ids) == sorted(ideas.values())
    assert CONTENT.phrases["ideas_round_again"][0] in conversation.heard[-1].text


def test_tell_me_more_after_another_journey_takes_what_was_offered(
    conversation: Conversation,
) -> None:
    conversation.say("SafetyIntent")
    heard = conversation.say("TellMeMoreIntent")
    assert CONTENT.phrases["grounding_intro"][0] in heard.text
