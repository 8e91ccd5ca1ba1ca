"""The SDK's serializer, made cheaper for the two things every request does with it.

Lambda hands the handler the event as a dict. The SDK's public ``deserialize`` takes JSON text,
so the handler would turn the dict into text only for the SDK to parse it again; and the SDK reads
every timestamp with dateutil's general-purpose parser. ``EnvelopeSerializer.read`` walks the dict
directly and reads timestamps in Alexa's format (``2026-11-28T01:46:00Z``) with
``datetime.fromisoformat`` (anything else still goes to dateutil), which more than halves the
cost of reading a request.

The walk is the SDK's own model walk, a private method: ``requirements.txt`` pins ask-sdk-core,
and ``tests/test_envelope.py`` proves ``read`` gives what the public path gives on every kind of
envelope, so an SDK upgrade that changes it fails the tests.

``prime`` does at start-up what the SDK otherwise does on the first request: it imports the model
classes named in an envelope only when one first needs them.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope, Response, ResponseEnvelope
from ask_sdk_model.ui import Reprompt, SimpleCard, SsmlOutputSpeech

_ALEXA_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")
"""UTC to the second or finer, as Alexa stamps requests: read the same by both parsers."""

_SKILL = {"applicationId": "amzn1.ask.skill.priming"}
_USER = {"userId": "amzn1.ask.account.PRIMING"}
_SESSION = {
    "new": False,
    "sessionId": "amzn1.echo-api.session.priming",
    "application": _SKILL,
    "attributes": {"v": 1},
    "user": _USER,
}
_CONTEXT = {
    "System": {
        "application": _SKILL,
        "user": _USER,
        "device": {
            "deviceId": "amzn1.ask.device.PRIMING",
            "supportedInterfaces": {"AudioPlayer": {}},
        },
        "person": {"personId": "amzn1.ask.person.PRIMING"},
        "apiEndpoint": "https://api.amazonalexa.com",
        "apiAccessToken": "priming",
    },
    "AudioPlayer": {"playerActivity": "IDLE"},
    "Viewport": {
        "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False}],
        "mode": "HUB",
        "shape": "RECTANGLE",
        "pixelWidth": 1024,
        "pixelHeight": 600,
        "dpi": 160,
        "currentPixelWidth": 1024,
        "currentPixelHeight": 600,
        "touch": ["SINGLE"],
        "keyboard": ["DIRECTION"],
    },
}
_RESOLVED = {
    "resolutionsPerAuthority": [
        {
            "authority": "amzn1.er-authority.echo-sdk.priming.TOPIC",
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": "priming", "id": "priming"}}],
        }
    ]
}
_STAMP = {"requestId": "amzn1.echo-api.request.priming", "timestamp": "2026-01-01T00:00:00Z"}
PRIMING_EVENTS: tuple[dict[str, Any], ...] = tuple(
    {"version": "1.0", "session": _SESSION, "context": _CONTEXT, "request": request}
    for request in (
        {"type": "LaunchRequest", **_STAMP, "locale": "en-US"},
        {
            "type": "IntentRequest",
            **_STAMP,
            "locale": "en-US",
            "dialogState": "STARTED",
            "intent": {
                "name": "PrimingIntent",
                "confirmationStatus": "NONE",
                "slots": {
                    "topic": {
                        "name": "topic",
                        "value": "priming",
                        "confirmationStatus": "NONE",
                        "source": "USER",
                        "resolutions": _RESOLVED,
                        "slotValue": {
                            "type": "Simple",
                            "value": "priming",
                            "resolutions": _RESOLVED,
                        },
                    }
                },
            },
        },
        {
            "type": "SessionEndedRequest",
            **_STAMP,
            "locale": "en-US",
            "reason": "ERROR",
            "error": {"type": "INTERNAL_SERVICE_ERROR", "message": "priming"},
        },
    )
)
"""One request of each kind the skill answers, with what a device with a screen sends: every
model class a real request can need is imported before the first one arrives."""


class EnvelopeSerializer(DefaultSerializer):
    """The SDK's serializer, reading the event dict as Lambda gives it."""

    def read(self, event: dict[str, Any]) -> RequestEnvelope:
        """The request envelope of a Lambda event, equal to what the SDK's ``deserialize``
        makes of ``json.dumps(event)``."""
        walk = self._DefaultSerializer__deserialize  # type: ignore[attr-defined]  # name-mangled
        envelope: RequestEnvelope = walk(event, RequestEnvelope)
        return envelope

    @functools.cache  # noqa: B019  (one serializer per process; model classes never change)
    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> type:  # noqa: N802
        # The SDK imports the module of every field's class name on every request.
        load = super()._DefaultSerializer__load_class_from_name  # type: ignore[misc]
        loaded: type = load(class_name)
        return loaded

    def _DefaultSerializer__deserialize_datetime(  # noqa: N802  (overrides the SDK's own)
        self, payload: str, obj_type: type
    ) -> date:
        if isinstance(payload, str) and _ALEXA_TIMESTAMP.fullmatch(payload):
            try:
                moment = datetime.fromisoformat(payload)
            except ValueError:
                pass  # no such day or hour: dateutil says so in the SDK's words
            else:
                return moment if obj_type is datetime else moment.date()
        parse = super()._DefaultSerializer__deserialize_datetime  # type: ignore[misc]
        parsed: date = parse(payload, obj_type)
        return parsed


def prime(serializer: EnvelopeSerializer) -> None:
    """Read one request of each kind and write one full response, so the SDK's lazy imports
    happen now, during start-up, not in the first listener's request. Nothing is stored."""
    for event in PRIMING_EVENTS:
        serializer.read(event)
    speech = SsmlOutputSpeech(ssml="<speak>priming</speak>")
    response = Response(
        output_speech=speech,
        reprompt=Reprompt(output_speech=speech),
        card=SimpleCard(title="priming", content="priming"),
        should_end_session=False,
    )
    serializer.serialize(
        ResponseEnvelope(version="1.0", response=response, session_attributes={"v": 1})
    )
