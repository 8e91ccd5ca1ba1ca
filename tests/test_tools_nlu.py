"""The local NLU against a small fixture model, independent of the real model's samples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tools.envelopes import Slot
from tools.nlu import (
    BUILTIN_UTTERANCES,
    FALLBACK_INTENT,
    MODELS_DIR,
    REPO_ROOT,
    Nlu,
    normalise,
    parse_duration,
    parse_number,
)

FIXTURE = Path(__file__).parent / "fixtures" / "nlu_model.json"


def fixture_model() -> dict[str, Any]:
    model = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert isinstance(model, dict)
    return model


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return Nlu.from_file(FIXTURE)


# --- exact matches --------------------------------------------------------------------------


def test_a_sample_typed_exactly_matches_its_intent(nlu: Nlu) -> None:
    understood = nlu.understand("Give me an idea!")

    assert understood.kind == "intent"
    assert understood.intent == "IdeaIntent"
    assert understood.via == "exact"
    assert understood.sample == "give me an idea"


def test_the_sample_with_more_literal_words_wins(nlu: Nlu) -> None:
    # StoryIntent's "tell me {story}", declared first, matches the whole text too.
    understood = nlu.understand("tell me about knitting")

    assert understood.sample == "tell me about {topic}"
    assert understood.slots["topic"].value == "knitting"


def test_among_equally_literal_samples_one_whose_slot_resolves_wins(nlu: Nlu) -> None:
    # "read up on {story}" (a search query, never resolved) is declared first.
    understood = nlu.understand("read up on consent")

    assert understood.intent == "LearnIntent"
    assert understood.slots["topic"].resolved_id == "CONSENT"


def test_a_slot_is_captured_and_resolved_by_synonym(nlu: Nlu) -> None:
    understood = nlu.understand("what is after care")

    assert understood.intent == "LearnIntent"
    assert understood.slots == {"topic": Slot("after care", "AFTERCARE", "aftercare", "TOPIC")}


def test_a_value_declared_without_an_id_resolves_by_name(nlu: Nlu) -> None:
    slot = nlu.understand("explain Boundaries to me").slots["topic"]

    assert slot.resolved_name == "boundaries"
    assert slot.resolved_id is None
    assert slot.resolved


def test_an_unknown_slot_value_is_kept_raw_without_a_resolution(nlu: Nlu) -> None:
    understood = nlu.understand("tell me about knitting")

    assert understood.intent == "LearnIntent"
    slot = understood.slots["topic"]
    assert slot == Slot("knitting", None, None, "TOPIC")
    assert slot.is_custom
    assert not slot.resolved


def test_a_sample_of_only_a_slot_does_not_swallow_unknown_text(nlu: Nlu) -> None:
    assert nlu.understand("knitting").intent == FALLBACK_INTENT
    assert nlu.understand("consent").intent == "LearnIntent"


def test_unfilled_slots_are_listed_and_sent_empty(nlu: Nlu) -> None:
    understood = nlu.understand("wind down")

    assert understood.slots == {}
    assert understood.unfilled == ("duration", "breaths")
    assert understood.request_slots() == {"duration": None, "breaths": None}


# --- built-in intents -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yeah", "AMAZON.YesIntent"),
        ("sounds good", "AMAZON.YesIntent"),
        ("nope", "AMAZON.NoIntent"),
        ("what can I say?", "AMAZON.HelpIntent"),
        ("quit", "AMAZON.StopIntent"),
        ("never mind", "AMAZON.CancelIntent"),
    ],
)
def test_builtin_intents_are_understood_from_the_table(nlu: Nlu, text: str, intent: str) -> None:
    understood = nlu.understand(text)

    assert understood.intent == intent
    assert understood.via == "exact"


def test_the_models_own_samples_of_a_builtin_are_used(nlu: Nlu) -> None:
    assert nlu.understand("not really").intent == "AMAZON.NoIntent"


def test_builtins_the_model_does_not_declare_are_not_understood(nlu: Nlu) -> None:
    # The fixture declares no PauseIntent, so "pause" means nothing to it.
    assert nlu.understand("pause").intent == FALLBACK_INTENT


def test_the_builtin_table_names_only_amazon_intents_with_phrases() -> None:
    table = json.loads(BUILTIN_UTTERANCES.read_text(encoding="utf-8"))

    assert all(name.startswith("AMAZON.") for name in table)
    assert all(phrases and all(p == normalise(p) for p in phrases) for phrases in table.values())
    assert "sounds good" in table["AMAZON.YesIntent"]


# --- fuzzy and fallback ---------------------------------------------------------------------


def test_a_small_slip_matches_a_sample_fuzzily(nlu: Nlu) -> None:
    understood = nlu.understand("give me an idae")

    assert understood.intent == "IdeaIntent"
    assert understood.via == "fuzzy"


def test_fuzzy_matching_stays_conservative(nlu: Nlu) -> None:
    # About 0.8 similar to "give me an idea": close, but not close enough.
    understood = nlu.understand("give me an iguana")

    assert understood.intent == FALLBACK_INTENT
    assert understood.via == "fallback"


def test_text_matching_nothing_goes_to_the_fallback_intent(nlu: Nlu) -> None:
    understood = nlu.understand("purple monkey dishwasher")

    assert understood.kind == "intent"
    assert understood.intent == FALLBACK_INTENT
    assert understood.slots == {}


def test_without_a_fallback_intent_the_nearest_intent_is_forced() -> None:
    model = fixture_model()
    language = model["interactionModel"]["languageModel"]
    language["intents"] = [i for i in language["intents"] if i["name"] != FALLBACK_INTENT]

    understood = Nlu(model).understand("give me a banana")

    assert understood.intent == "IdeaIntent"
    assert understood.via == "forced"


# --- invocation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Alexa, open test guide", "launch test guide", "start Test Guide.", "ask test guide"],
)
def test_opening_the_skill_by_name_is_a_launch(nlu: Nlu, text: str) -> None:
    understood = nlu.understand(text)

    assert understood.kind == "launch"
    assert understood.intent is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Alexa, ask test guide what is consent", "LearnIntent"),
        ("ask test guide about aftercare", "LearnIntent"),
        ("tell test guide to wind down", "WindDownIntent"),
        ("Alexa, tell test guide that we want to wind down", FALLBACK_INTENT),
        ("open test guide and give me an idea", "IdeaIntent"),
        ("wind down using test guide", "WindDownIntent"),
    ],
)
def test_invocation_phrases_are_stripped(nlu: Nlu, text: str, intent: str) -> None:
    understood = nlu.understand(text)

    assert understood.kind == "intent"
    assert understood.intent == intent


def test_a_joining_word_is_kept_when_the_sample_needs_it(nlu: Nlu) -> None:
    # "ask test guide for inspiration": "inspiration" alone matches nothing.
    understood = nlu.understand("ask test guide for inspiration")

    assert understood.intent == "IdeaIntent"
    assert understood.sample == "for inspiration"


# --- built-in slot types --------------------------------------------------------------------


def test_a_spoken_duration_becomes_iso_8601(nlu: Nlu) -> None:
    understood = nlu.understand("wind down for ten minutes")

    assert understood.intent == "WindDownIntent"
    assert understood.slots["duration"] == Slot("PT10M", slot_type="AMAZON.DURATION")
    assert understood.unfilled == ("breaths",)


def test_an_unparseable_duration_keeps_what_was_said(nlu: Nlu) -> None:
    slot = nlu.understand("wind down for a while").slots["duration"]

    assert slot.value == "a while"
    assert not slot.is_custom


def test_a_spoken_number_becomes_digits(nlu: Nlu) -> None:
    slot = nlu.understand("take twenty-one breaths").slots["breaths"]

    assert slot == Slot("21", slot_type="AMAZON.NUMBER")


@pytest.mark.parametrize(
    ("spoken", "iso"),
    [
        ("five minutes", "PT5M"),
        ("5 minutes", "PT5M"),
        ("ten minute", "PT10M"),
        ("an hour", "PT1H"),
        ("half an hour", "PT30M"),
        ("an hour and a half", "PT1H30M"),
        ("one and a half hours", "PT1H30M"),
        ("two hours and thirty minutes", "PT2H30M"),
        ("ninety seconds", "PT90S"),
        ("a day", "P1D"),
        ("five", None),
        ("soon", None),
        ("minutes", None),
    ],
)
def test_parse_duration(spoken: str, iso: str | None) -> None:
    assert parse_duration(spoken) == iso


@pytest.mark.parametrize(
    ("spoken", "number"),
    [
        ("five", 5),
        ("12", 12),
        ("twenty one", 21),
        ("a hundred", 100),
        ("one hundred and five", 105),
        ("two thousand and twenty four", 2024),
        ("minus three", -3),
        ("banana", None),
        ("", None),
    ],
)
def test_parse_number(spoken: str, number: int | None) -> None:
    assert parse_number(spoken) == number


# --- text and model loading ------------------------------------------------------------------


def test_normalise_lowercases_and_drops_punctuation_but_not_apostrophes() -> None:
    assert normalise("  What\u2019s   AFTER-care?! ") == "what's after care"
    assert normalise("'quoted' 2.5 hours.") == "quoted 2.5 hours"


def test_a_sample_using_an_undeclared_slot_is_refused() -> None:
    model = fixture_model()
    intents = model["interactionModel"]["languageModel"]["intents"]
    next(i for i in intents if i["name"] == "IdeaIntent")["samples"].append("try {thing}")

    with pytest.raises(ValueError, match="undeclared slot"):
        Nlu(model)


def test_models_are_found_by_locale_under_interaction_models(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / "xx-XX.json")

    nlu = Nlu.from_model("xx-XX", models_dir=tmp_path)

    assert nlu.invocation_name == "test guide"
    assert MODELS_DIR == REPO_ROOT / "interaction_models"
    assert (REPO_ROOT / "tools" / "nlu.py").is_file()
