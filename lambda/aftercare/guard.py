"""The one check every outgoing response passes: what Alexa would reject never leaves the skill.

Used by the Lambda handler (a failing response is replaced by the apology and logged), by the
tests on every response they see, and by the local runner.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aftercare import ssml

MAX_RESPONSE_BYTES = 24 * 1024
MAX_CARD_CHARS = 8000


def _speech_of(holder: Mapping[str, Any] | None) -> str | None:
    speech = (holder or {}).get("outputSpeech")
    if not isinstance(speech, Mapping):
        return None
    return str(speech.get("ssml") or speech.get("text") or "")


def problems(envelope: Mapping[str, Any], request_type: str | None = None) -> list[str]:
    """Every reason this response envelope would fail on Alexa; empty when it is fine."""
    found: list[str] = []
    # ASCII-only JSON (the default), so its length in characters is its size in bytes.
    size = len(json.dumps(envelope, separators=(",", ":")))
    if size > MAX_RESPONSE_BYTES:
        found.append(f"response is {size} bytes, over {MAX_RESPONSE_BYTES}")
    response = envelope.get("response") or {}
    speech = _speech_of(response)
    reprompt = _speech_of(response.get("reprompt"))
    if request_type == "SessionEndedRequest" and (speech or reprompt):
        found.append("speech in answer to SessionEndedRequest")
    for name, text in (("speech", speech), ("reprompt", reprompt)):
        if text:
            found += [f"{name}: {problem}" for problem in ssml.problems(text)]
    stays_open = response.get("shouldEndSession") is False
    if stays_open and not reprompt:
        found.append("the session stays open without a reprompt")
    card = response.get("card")
    if isinstance(card, Mapping):
        content = str(card.get("content") or card.get("text") or "")
        if "<" in content or len(content) > MAX_CARD_CHARS:
            found.append("card has markup or is too long")
    return found
