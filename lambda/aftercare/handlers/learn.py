"""Learning about aftercare: the topic intents, "tell me about {topic}", "tell me more", ideas."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot, is_intent_name
from ask_sdk_model import Response

from aftercare.conversation import Reply, Turn, respond, turn_of
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
    """Go deeper into the last topic; once it is all said, say so and offer what comes next."""
    state = turn.state
    if state.topic is None or state.topic not in turn.voice.content.topics:
        return topic_reply(turn, "what_is")
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


class TopicIntentHandler(AbstractRequestHandler):
    """An intent that always means one topic, such as WhatIsAftercareIntent."""

    def __init__(self, intent_name: str, topic_id: str) -> None:
        self.intent_name = intent_name
        self.topic_id = topic_id

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name(self.intent_name)(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        return respond(handler_input, topic_reply(turn, self.topic_id))


TOPIC_INTENTS = {
    "WhatIsAftercareIntent": "what_is",
    "PhysicalAftercareIntent": "physical",
    "EmotionalAftercareIntent": "emotional",
    "WhyAftercareMattersIntent": "why",
    "FeelingLowAfterSexIntent": "feeling_low",
    "WhatToAvoidIntent": "avoid",
    "PlanAftercareIntent": "planning",
}


class NamedTopicHandler(AbstractRequestHandler):
    """ "Tell me about {topic}": the slot's resolved id says where to go."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("TopicIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        target = resolved_id(get_slot(handler_input, "topic"))
        reply = go_to(turn, target) if target else unknown_topic_reply(turn)
        return respond(handler_input, reply)


class TellMeMoreHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("TellMeMoreIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, more_reply(turn_of(handler_input)))


class AftercareIdeaHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_intent_name("AftercareIdeaIntent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return respond(handler_input, idea_reply(turn_of(handler_input)))


def handlers() -> list[AbstractRequestHandler]:
    return [
        *(TopicIntentHandler(intent, topic) for intent, topic in TOPIC_INTENTS.items()),
        NamedTopicHandler(),
        TellMeMoreHandler(),
        AftercareIdeaHandler(),
    ]
