"""The interaction models follow Alexa's rules, and the models and the handlers agree."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from aftercare.handlers.base import IntentHandler
from aftercare.skill import request_handlers
from tests.harness import MODELS, load_model

LOCALES = sorted(path.stem for path in MODELS.glob("*.json"))
REQUIRED_BUILTINS = {
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
}
SAMPLE = re.compile(r"[a-z' .]+|\{[A-Za-z_]+\}")
FORBIDDEN_INVOCATION_WORDS = {"alexa", "amazon", "echo", "skill", "app"}


def custom_intents(model: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in model["intents"] if not i["name"].startswith("AMAZON.")]


def handled_intents() -> set[str]:
    names: set[str] = set()
    for handler in request_handlers():
        if isinstance(handler, IntentHandler):
            names.update(handler.intent_names)
    return names


def test_there_is_a_model_for_every_supported_locale() -> None:
    import tomllib

    declared = tomllib.loads(Path(MODELS.parent / "content" / "locales.toml").read_text())
    assert set(declared["supported"]) <= set(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_invocation_name_is_discreet_plain_words(locale: str) -> None:
    name = load_model(locale)["invocationName"]
    words = name.split()
    assert len(words) >= 2
    assert re.fullmatch(r"[a-z ]+", name)
    assert not FORBIDDEN_INVOCATION_WORDS & set(words)


@pytest.mark.parametrize("locale", LOCALES)
def test_samples_use_only_allowed_characters_and_declared_slots(locale: str) -> None:
    for intent in load_model(locale)["intents"]:
        slots = {slot["name"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            tokens = re.findall(r"\{[^}]*\}|[^{}]+", sample)
            assert all(SAMPLE.fullmatch(token) for token in tokens), (intent["name"], sample)
            used = set(re.findall(r"\{([^}]*)\}", sample))
            assert used <= slots, (intent["name"], sample)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_belongs_to_two_intents_or_repeats(locale: str) -> None:
    owners = Counter(
        " ".join(sample.split())
        for intent in load_model(locale)["intents"]
        for sample in set(intent.get("samples", []))
    )
    assert [sample for sample, count in owners.items() if count > 1] == []
    for intent in load_model(locale)["intents"]:
        samples = intent.get("samples", [])
        assert len(samples) == len(set(samples)), intent["name"]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_custom_intent_has_at_least_fifteen_samples(locale: str) -> None:
    for intent in custom_intents(load_model(locale)):
        assert len(intent["samples"]) >= 15, intent["name"]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_slot_type_is_defined_and_its_values_have_ids(locale: str) -> None:
    model = load_model(locale)
    defined = {declared["name"]: declared for declared in model.get("types", [])}
    for intent in model["intents"]:
        for slot in intent.get("slots", []):
            assert slot["type"].startswith("AMAZON.") or slot["type"] in defined, slot
    for declared in defined.values():
        ids = [value.get("id") for value in declared["values"]]
        assert all(ids) and len(ids) == len(set(ids)), declared["name"]


@pytest.mark.parametrize("locale", LOCALES)
def test_model_and_handlers_agree(locale: str) -> None:
    in_model = {intent["name"] for intent in load_model(locale)["intents"]}
    assert in_model >= REQUIRED_BUILTINS
    assert in_model == handled_intents()
