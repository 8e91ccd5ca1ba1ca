"""skill-package/ is what Alexa needs, in the ASK CLI v2 layout, and agrees with the skill.

The models in the package are the models the tests use; every example phrase of the store listing
is a real utterance of them; the manifest's publishing, privacy, interfaces and events say what
the skill really does; and tools/skill_package.py puts the deployer's values in correctly.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.harness import MODELS, load_model
from tools import skill_package
from tools.skill_package import PRIVACY_PLACEHOLDER, SkillPackageError

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "skill-package"
MANIFEST = skill_package.read_manifest()["manifest"]
PUBLISHING = MANIFEST["publishingInformation"]
PRIVACY = MANIFEST["privacyAndCompliance"]
SUPPORTED = tomllib.loads((ROOT / "content" / "locales.toml").read_text())["supported"]
ARN = "arn:aws:lambda:us-east-1:123456789012:function:aftercare-guide-SkillFunction-AbC123"
LAUNCH = re.compile(r"alexa (?:open|launch|start) (?P<name>.+)")
ASK = re.compile(r"alexa (?:ask|tell) (?P<rest>.+)")
CONNECTOR = re.compile(r"(?:to|for|about|if|whether) ")


def normalised(phrase: str) -> str:
    return " ".join(re.sub(r"[,.?!]", " ", phrase.lower()).split())


def sample_pattern(sample: str, slot_types: dict[str, str], model: dict[str, Any]) -> str:
    """A regular expression for what a sample utterance matches, each {slot} by its values."""
    values_by_type = {
        declared["name"]: [
            name
            for value in declared["values"]
            for name in (value["name"]["value"], *value["name"].get("synonyms", []))
        ]
        for declared in model.get("types", [])
    }

    def slot(name: str) -> str:
        slot_type = slot_types[name]
        if slot_type.startswith("AMAZON."):
            return r"[a-z' .]+"
        return "(?:" + "|".join(re.escape(normalised(v)) for v in values_by_type[slot_type]) + ")"

    parts = re.split(r"\{([A-Za-z_]+)\}", sample)
    # re.split with a group alternates: text, slot name, text, slot name, ..., text.
    return "".join(slot(part) if index % 2 else re.escape(part) for index, part in enumerate(parts))


def is_utterance(spoken: str, model: dict[str, Any]) -> bool:
    for intent in model["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            if re.fullmatch(sample_pattern(sample, slot_types, model), spoken):
                return True
    return False


def example_phrase_problem(phrase: str, model: dict[str, Any]) -> str | None:
    spoken = normalised(phrase)
    invocation = model["invocationName"]
    launch, ask = LAUNCH.fullmatch(spoken), ASK.fullmatch(spoken)
    if launch and launch["name"] == invocation:
        return None
    if not ask or not ask["rest"].startswith(f"{invocation} "):
        return f"{phrase!r} does not open or ask {invocation!r}"
    rest = ask["rest"].removeprefix(f"{invocation} ")
    # "ask <name> to <utterance>": the connector is not part of the utterance, or may be.
    candidates = {rest, CONNECTOR.sub("", rest, count=1) if CONNECTOR.match(rest) else rest}
    if any(is_utterance(candidate, model) for candidate in candidates):
        return None
    return f"{phrase!r} is not a sample utterance"


def test_the_package_has_a_model_for_every_supported_locale_and_no_other() -> None:
    in_package = sorted(p.stem for p in (PACKAGE / skill_package.CUSTOM_MODELS).glob("*.json"))
    assert in_package == sorted(p.stem for p in MODELS.glob("*.json"))
    assert set(SUPPORTED) <= set(in_package)


@pytest.mark.parametrize("locale", SUPPORTED)
def test_the_packaged_model_is_the_tested_model(locale: str) -> None:
    packaged = PACKAGE / skill_package.CUSTOM_MODELS / f"{locale}.json"
    assert packaged.read_bytes() == (MODELS / f"{locale}.json").read_bytes(), (
        "run `make skill-package` to copy interaction_models/ into skill-package/"
    )


def test_the_manifest_publishes_exactly_the_supported_locales() -> None:
    assert sorted(PUBLISHING["locales"]) == sorted(SUPPORTED)
    assert sorted(PRIVACY["locales"]) == sorted(SUPPORTED)
    countries = {locale.split("-")[1] for locale in SUPPORTED}
    assert set(PUBLISHING["distributionCountries"]) == countries
    assert PUBLISHING["isAvailableWorldwide"] is False


@pytest.mark.parametrize("locale", SUPPORTED)
def test_every_example_phrase_is_a_real_utterance_of_the_model(locale: str) -> None:
    phrases = PUBLISHING["locales"][locale]["examplePhrases"]
    model = load_model(locale)
    assert 1 <= len(phrases) <= 3
    assert LAUNCH.fullmatch(normalised(phrases[0])), "the first phrase opens the skill"
    assert [problem for p in phrases if (problem := example_phrase_problem(p, model))] == []


def test_the_example_phrase_check_refuses_what_the_model_cannot_hear() -> None:
    model = load_model("en-US")
    assert example_phrase_problem("Alexa, ask aftercare guide what is aftercare?", model) is None
    assert (
        example_phrase_problem("Alexa, ask aftercare guide to tell me about ideas", model) is None
    )
    assert example_phrase_problem("Alexa, ask aftercare guide what's the weather", model)
    assert example_phrase_problem("Alexa, ask aftercare guide tell me about bananas", model)
    assert example_phrase_problem("Alexa, open after care", model)


@pytest.mark.parametrize("locale", SUPPORTED)
def test_the_listing_is_complete_and_carries_the_disclaimer(locale: str) -> None:
    listing = PUBLISHING["locales"][locale]
    assert listing["name"] == "Aftercare Guide"
    assert 0 < len(listing["summary"]) <= 160
    assert 0 < len(listing["description"]) <= 4000
    assert "not medical advice" in listing["summary"]
    assert "not medical advice" in listing["description"]
    assert "emergency number" in listing["description"]
    assert 1 <= len(listing["keywords"]) <= 30
    assert all(keyword == keyword.lower() and keyword.strip() for keyword in listing["keywords"])
    assert PUBLISHING["category"] == "HEALTH_AND_FITNESS"
    assert PUBLISHING["testingInstructions"]


def test_privacy_and_compliance_say_what_the_skill_does() -> None:
    assert PRIVACY["isChildDirected"] is False  # a mature topic
    assert PRIVACY["usesPersonalInfo"] is False  # progress under a keyed hash, nothing named
    assert PRIVACY["allowsPurchases"] is False
    assert PRIVACY["containsAds"] is False
    assert PRIVACY["isExportCompliant"] is True
    for locale in PRIVACY["locales"].values():
        assert skill_package.HTTPS_URL.fullmatch(locale["privacyPolicyUrl"])


INTERFACES = {
    "ALEXA_PRESENTATION_APL": "Alexa.Presentation.APL.RenderDocument",
    "ALEXA_PRESENTATION_APLA": "Alexa.Presentation.APLA.RenderDocument",
    "AUDIO_PLAYER": "AudioPlayer.Play",
    "VIDEO_APP": "VideoApp.Launch",
    "RENDER_TEMPLATE": "Display.RenderTemplate",
}
"""Each interface a manifest may declare, and the directive whose use needs it."""


def test_the_manifest_declares_the_interfaces_the_code_uses() -> None:
    source = "\n".join(path.read_text() for path in (ROOT / "lambda").rglob("*.py"))
    source += "\n".join(
        path.read_text() for path in (ROOT / "content").rglob("*") if path.is_file()
    )
    used = {name for name, directive in INTERFACES.items() if directive in source}
    declared = {entry["type"] for entry in MANIFEST["apis"]["custom"]["interfaces"]}
    assert declared == used


def test_the_committed_manifest_has_no_endpoint_or_a_complete_one() -> None:
    custom = MANIFEST["apis"]["custom"]
    if "endpoint" not in custom:
        assert "events" not in MANIFEST
        return
    arn = custom["endpoint"]["uri"]
    assert skill_package.LAMBDA_ARN.fullmatch(arn)
    assert MANIFEST["events"]["endpoint"]["uri"] == arn


def test_the_endpoint_is_set_for_the_skill_and_its_skill_disabled_event() -> None:
    manifest = skill_package.with_endpoint(skill_package.read_manifest(), ARN)["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert manifest["events"] == {
        "endpoint": {"uri": ARN},
        "subscriptions": [{"eventName": "SKILL_DISABLED"}],
    }


def test_every_subscribed_event_has_a_handler() -> None:
    source = "\n".join(path.read_text() for path in (ROOT / "lambda").rglob("*.py"))
    for event in skill_package.SUBSCRIPTIONS:
        request_type = "AlexaSkillEvent." + "".join(p.title() for p in event.split("_"))
        assert f'is_request_type("{request_type}")' in source


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://example.com/skill",
        "arn:aws:lambda:us-east-1:123456789012:function:",
        "arn:aws:s3:::bucket",
        "arn:aws:lambda:us-east-1:1234:function:short-account",
    ],
)
def test_an_endpoint_that_is_not_a_lambda_function_is_refused(endpoint: str) -> None:
    with pytest.raises(SkillPackageError):
        skill_package.with_endpoint(skill_package.read_manifest(), endpoint)


def test_the_privacy_url_is_set_for_every_locale_and_must_be_real_https() -> None:
    url = "https://practice.example.org/privacy"
    manifest = skill_package.with_privacy_url(skill_package.read_manifest(), url)
    body = manifest["manifest"]
    assert {
        loc["privacyPolicyUrl"] for loc in body["privacyAndCompliance"]["locales"].values()
    } == {url}
    for wrong in ("http://practice.example.org/privacy", PRIVACY_PLACEHOLDER, "privacy"):
        with pytest.raises(SkillPackageError):
            skill_package.with_privacy_url(skill_package.read_manifest(), wrong)


def test_what_is_still_to_set_is_named_until_it_is_set() -> None:
    manifest = json.loads(json.dumps(skill_package.read_manifest()))
    body = manifest["manifest"]
    body["apis"]["custom"].pop("endpoint", None)
    for locale in body["privacyAndCompliance"]["locales"].values():
        locale["privacyPolicyUrl"] = PRIVACY_PLACEHOLDER
    assert len(skill_package.still_to_set(manifest)) == 2
    manifest = skill_package.with_endpoint(manifest, ARN)
    manifest = skill_package.with_privacy_url(manifest, "https://practice.example.org/privacy")
    assert skill_package.still_to_set(manifest) == []


def test_syncing_copies_every_model_and_drops_models_that_are_gone(tmp_path: Path) -> None:
    package, models = tmp_path / "skill-package", tmp_path / "interaction_models"
    shutil.copytree(PACKAGE, package)
    shutil.copytree(MODELS, models)
    (package / skill_package.CUSTOM_MODELS / "en-GB.json").write_text("{}")
    (models / "en-US.json").write_text('{"changed": true}')

    assert skill_package.sync_models(package, models) == sorted(p.stem for p in MODELS.glob("*"))

    copies = package / skill_package.CUSTOM_MODELS
    assert sorted(p.name for p in copies.iterdir()) == sorted(p.name for p in MODELS.iterdir())
    assert (copies / "en-US.json").read_text() == '{"changed": true}'


def test_the_ask_cli_deploys_this_package() -> None:
    resources = json.loads((ROOT / "ask-resources.json").read_text())
    source = resources["profiles"]["default"]["skillMetadata"]["src"]
    assert (ROOT / source).resolve() == PACKAGE
