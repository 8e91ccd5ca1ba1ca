"""Talking to the real Lambda handler with real Alexa envelopes, and reading what came back."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aftercare import guard, ssml
from aftercare.skill import LambdaHandler
from tools import envelopes
from tools.envelopes import Session, Slot

EVENTS = Path(__file__).parent / "events"


def plain_text(speech: str) -> str:
    """The words of some SSML without its markup, sentences and pauses kept apart by a space."""
    spaced = re.sub(r"(<break[^>]*/>|</s>|</p>)", r" \1", ssml.as_speak(speech))
    return re.sub(r"\s+", " ", "".join(ssml.parse(spaced).itertext())).strip()


SLOT_VALUES_SENT: set[str] = set()
"""Every slot value the tests said, so the log check can prove none was logged."""
MODELS = Path(__file__).parents[1] / "interaction_models"


def load_event(name: str) -> dict[str, Any]:
    """A request envelope kept as a file under tests/events/."""
    event = json.loads((EVENTS / f"{name}.json").read_text())
    assert isinstance(event, dict)
    return event


def load_model(locale: str = "en-US") -> dict[str, Any]:
    model = json.loads((MODELS / f"{locale}.json").read_text())["interactionModel"]["languageModel"]
    assert isinstance(model, dict)
    return model


def slot_of(slot_type: str, spoken: str, locale: str = "en-US") -> Slot:
    """A slot as Alexa fills it for ``spoken``, resolved against the model's own values."""
    for declared in load_model(locale).get("types", []):
        if declared["name"] != slot_type:
            continue
        for value in declared["values"]:
            names = [value["name"]["value"], *value["name"].get("synonyms", [])]
            if spoken.lower() in (name.lower() for name in names):
                return Slot(spoken, value.get("id"), value["name"]["value"], slot_type)
    return Slot(spoken, slot_type=slot_type)


@dataclass(frozen=True)
class Heard:
    """One response envelope, read the way a listener would experience it."""

    envelope: Mapping[str, Any]

    @property
    def response(self) -> Mapping[str, Any]:
        response = self.envelope.get("response") or {}
        assert isinstance(response, Mapping)
        return response

    @property
    def ssml(self) -> str:
        return str((self.response.get("outputSpeech") or {}).get("ssml", ""))

    @property
    def text(self) -> str:
        """The spoken words, without markup."""
        return plain_text(self.ssml) if self.ssml else ""

    @property
    def reprompt_ssml(self) -> str:
        reprompt = self.response.get("reprompt") or {}
        return str((reprompt.get("outputSpeech") or {}).get("ssml", ""))

    @property
    def reprompt(self) -> str:
        return plain_text(self.reprompt_ssml) if self.reprompt_ssml else ""

    @property
    def card(self) -> Mapping[str, Any] | None:
        card = self.response.get("card")
        return card if isinstance(card, Mapping) else None

    @property
    def ends_session(self) -> bool:
        return self.response.get("shouldEndSession") is True

    @property
    def attributes(self) -> Mapping[str, Any]:
        attributes = self.envelope.get("sessionAttributes") or {}
        assert isinstance(attributes, Mapping)
        return attributes

    @property
    def size(self) -> int:
        return len(json.dumps(self.envelope).encode())


@dataclass
class Conversation:
    """One listener talking to the skill; session attributes carry as Alexa carries them."""

    handler: LambdaHandler
    locale: str = "en-US"
    session: Session = field(default_factory=Session)
    heard: list[Heard] = field(default_factory=list)

    def send(self, event: dict[str, Any]) -> Heard:
        """Send one request; every response must pass the guard Alexa's rules are written in."""
        heard = Heard(self.handler(event, None))
        assert guard.problems(heard.envelope, event["request"]["type"]) == []
        self.session.apply(heard.envelope)
        self.heard.append(heard)
        return heard

    def launch(self) -> Heard:
        self.session.restart()
        return self.send(envelopes.launch_request(session=self.session, locale=self.locale))

    def say(self, intent: str, **slots: Slot | str | None) -> Heard:
        for slot in slots.values():
            if slot:
                SLOT_VALUES_SENT.add(slot if isinstance(slot, str) else slot.value)
        event = envelopes.intent_request(
            intent, slots or None, session=self.session, locale=self.locale
        )
        return self.send(event)

    def end(self, reason: str = "USER_INITIATED") -> Heard:
        event = envelopes.session_ended_request(reason, session=self.session, locale=self.locale)
        return self.send(event)
