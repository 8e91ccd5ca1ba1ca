"""Learning about aftercare: the topic intents, "tell me about {topic}", "tell me more", ideas."""

from __future__ import annotations

from aftercare.conversation import Reply, Turn
from aftercare.handlers.base import IntentHandler
from aftercare.handlers.privacy import DELETE, confirm_delete_reply
from aftercare.ideas import next_idea
from aftercare.journeys import go_to, journey
from aftercare.slots import resolved_id


def topic_reply(turn: Turn, topic_id: str, deeper: bool = False) -> Reply:
    """The answer about a topic (or, deeper, its "tell me more"), ending with one offer."""
    topic = turn.voice.content.topic(topic_id)
    paragraphs = topic.more if deeper else topic.answer
    state = turn.state
    state.topic, state.depth, state.offer = topic_id, int(deeper), topic.offer
    state.asked_what_else = False
    return Reply(
        speech=turn.voice.ssml("topic", paragraphs=paragraphs, next=topic.offer, done=False),
        reprompt=turn.voice.ssml("offer", next=topic.offer),
        card_title=topic.title,
        card_text=turn.voice.text("topic", paragraphs=(*topic.answer, *topic.more)),
    )


def more_reply(turn: Turn) -> Reply:
    """Go deeper into the last topic; once it is all said, say so and offer what comes next.

    After another journey's answer there is no topic to deepen: "tell me more" then takes what
    was offered, and with nothing offered it starts at what aftercare is.
    """
    state = turn.state
    if state.topic is None or state.topic not in turn.voice.content.topics:
        if state.offer == DELETE:
            # Deleting cannot be undone: only a plain "yes" does it; this hears the question again.
            return confirm_delete_reply(turn)
        return go_to(turn, state.offer) if state.offer else topic_reply(turn, "what_is")
    if state.depth == 0:
        return topic_reply(turn, state.topic, deeper=True)
    topic = turn.voice.content.topic(state.topic)
    state.offer, state.asked_what_else = topic.offer, False
    return Reply(
        speech=turn.voice.ssml("topic", paragraphs=(), next=topic.offer, done=True),
        reprompt=turn.voice.ssml("offer", next=topic.offer),
    )


def unknown_topic_reply(turn: Turn) -> Reply:
    turn.state.offer = None
    return Reply(
        speech=turn.voice.ssml("unknown_topic"),
        reprompt=turn.voice.ssml("lines", keys=["unknown_topic_ask"]),
    )


@journey("idea")
def idea_reply(turn: Turn) -> Reply:
    """One aftercare idea, never repeated until all were heard; offers another."""
    ideas = turn.voice.content.ideas
    pick = next_idea([idea.id for idea in ideas], turn.state.ideas_heard, turn.rng)
    turn.state.ideas_heard, turn.state.offer = pick.heard, "idea"
    turn.state.asked_what_else = False
    text = turn.voice.content.idea(pick.idea).text
    return Reply(
        speech=turn.voice.ssml("idea", idea=text, new_round=pick.new_round),
        reprompt=turn.voice.ssml("offer", next="another_idea"),
        card_title=turn.voice.phrase("idea_card_title"),
        card_text=turn.voice.text("idea", idea=text),
    )


class TopicIntentHandler(IntentHandler):
    """An intent that always means one topic, such as WhatIsAftercareIntent."""

    def __init__(self, intent_name: str, topic_id: str) -> None:
        self.intent_names = (intent_name,)
        self.topic_id = topic_id

    def reply(self, turn: Turn) -> Reply:
        return topic_reply(turn, self.topic_id)


TOPIC_INTENTS = {
    "WhatIsAftercareIntent": "what_is",
    "PhysicalAftercareIntent": "physical",
    "EmotionalAftercareIntent": "emotional",
    "WhyAftercareMattersIntent": "why",
    "FeelingLowAfterSexIntent": "feeling_low",
    "WhatToAvoidIntent": "avoid",
    "PlanAftercareIntent": "planning",
}


class NamedTopicHandler(IntentHandler):
    """ "Tell me about {topic}": the slot's resolved id says where to go."""

    intent_names = ("TopicIntent",)

    def reply(self, turn: Turn) -> Reply:
        target = resolved_id(turn.slot("topic"))
        return go_to(turn, target) if target else unknown_topic_reply(turn)


class TellMeMoreHandler(IntentHandler):
    intent_names = ("TellMeMoreIntent",)

    def reply(self, turn: Turn) -> Reply:
        return more_reply(turn)


class AftercareIdeaHandler(IntentHandler):
    intent_names = ("AftercareIdeaIntent",)

    def reply(self, turn: Turn) -> Reply:
        return idea_reply(turn)


def handlers() -> list[IntentHandler]:
    return [
        *(TopicIntentHandler(intent, topic) for intent, topic in TOPIC_INTENTS.items()),
        NamedTopicHandler(),
        TellMeMoreHandler(),
        AftercareIdeaHandler(),
    ]
