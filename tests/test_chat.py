"""The local runner: typed text reaches every intent through the model's own samples."""

from __future__ import annotations

import io
from typing import Any

import pytest

from aftercare.content import Library, find_content_dir
from aftercare.skill import LambdaHandler
from tests.harness import load_model
from tools.chat import Runner, espeak_ssml, ssml_to_text
from tools.nlu import Nlu

NLU = Nlu.from_model("en-US")
CONTENT = Library(find_content_dir()).for_locale("en-US")
BUILTIN_PHRASES = {
    "AMAZON.YesIntent": "yes please",
    "AMAZON.NoIntent": "no thanks",
    "AMAZON.HelpIntent": "help",
    "AMAZON.StopIntent": "stop",
    "AMAZON.CancelIntent": "cancel",
    "AMAZON.RepeatIntent": "say that again",
    "AMAZON.StartOverIntent": "start over",
    "AMAZON.NavigateHomeIntent": "go home",
    "AMAZON.FallbackIntent": "purple monkey dishwasher",
}


def literal_samples() -> list[tuple[str, str]]:
    return [
        (intent["name"], sample)
        for intent in load_model()["intents"]
        for sample in intent.get("samples", [])
        if "{" not in sample
    ]


@pytest.mark.parametrize(("intent", "sample"), literal_samples())
def test_every_literal_sample_reaches_its_intent(intent: str, sample: str) -> None:
    assert NLU.understand(sample).intent == intent


@pytest.mark.parametrize(("intent", "typed"), BUILTIN_PHRASES.items())
def test_built_in_intents_are_reached_by_everyday_words(intent: str, typed: str) -> None:
    in_model = {declared["name"] for declared in load_model()["intents"]}
    if intent in in_model:
        assert NLU.understand(typed).intent == intent


def test_a_slot_is_resolved_by_its_synonym() -> None:
    understanding = NLU.understand("tell me about cuddling after sex")
    assert understanding.intent == "TopicIntent"
    assert understanding.slots["topic"].resolved_id == "physical"


def test_one_breath_invocation_reaches_the_intent() -> None:
    understanding = NLU.understand("Alexa, ask aftercare guide what is aftercare")
    assert understanding.intent == "WhatIsAftercareIntent"


def run(skill: LambdaHandler, *lines: str) -> str:
    out = io.StringIO()
    runner = Runner(skill, NLU, out=out)
    for line in lines:
        out.write(f"you> {line}\n")
        runner.turn(line)
    return out.getvalue()


def test_a_typed_conversation_reaches_the_whole_learn_journey(skill: LambdaHandler) -> None:
    transcript = run(
        skill,
        "open aftercare guide",
        "what's aftercare",
        "yes",
        "tell me more",
        "give me an aftercare idea",
        "repeat that",
        "help",
        "tell me about post sex blues",
        "purple monkey dishwasher",
        "start over",
        "no",
        "no",
    )
    expected: list[Any] = [
        CONTENT.phrases["disclaimer"][0],
        CONTENT.topic("what_is").answer[0],
        CONTENT.topic("physical").answer[0],
        CONTENT.topic("physical").more[0],
        "[card] " + CONTENT.phrases["idea_card_title"][0],
        CONTENT.topic("feeling_low").answer[0],
        "(session ended)",
    ]
    for words in expected:
        assert words in transcript
    assert transcript.count("FallbackIntent") == 1


def test_ssml_becomes_readable_text_with_pauses_marked() -> None:
    text = ssml_to_text('<speak><s>In.</s><break time="4s"/><s>Out &amp; rest.</s></speak>')
    assert text == "In. (pause 4s) Out & rest."


def test_audio_ssml_drops_what_espeak_does_not_know() -> None:
    converted = espeak_ssml('<amazon:effect name="whispered">hi<break time="2s"/></amazon:effect>')
    assert converted == '<speak>hi<break time="2000ms"/></speak>'
