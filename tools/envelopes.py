"""Request envelopes shaped like the JSON Alexa sends to a custom skill, as plain dicts.

They go straight into the Lambda handler (``handler(event, context)``), so the SDK's own
deserialisation, routing and attribute handling are exercised exactly as in production.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DEFAULT_LOCALE = "en-US"
LOCAL_SKILL_ID = "amzn1.ask.skill.local-aftercare"
LOCAL_USER_ID = "amzn1.ask.account.LOCAL-DEVELOPER"
LOCAL_DEVICE_ID = "amzn1.ask.device.LOCAL-DEVICE"
# A recognised voice: Alexa adds the speaker's person id when voice profiles are on.
LOCAL_PERSON_ID = "amzn1.ask.person.LOCAL-PERSON"
API_ENDPOINT = "https://api.amazonalexa.com"
# Nothing local can call the Alexa APIs; the token only has to be present, as it always is.
LOCAL_API_ACCESS_TOKEN = "local-api-access-token"

MATCH = "ER_SUCCESS_MATCH"
NO_MATCH = "ER_SUCCESS_NO_MATCH"


def new_id(kind: str) -> str:
    """An identifier in Alexa's format, e.g. ``amzn1.echo-api.request.<uuid>``."""
    return f"amzn1.echo-api.{kind}.{uuid.uuid4()}"


def timestamp_of(moment: datetime | None = None) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second, as in Alexa's requests."""
    when = (moment or datetime.now(UTC)).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Slot:
    """What was heard for one slot and, for custom slot types, what it resolved to."""

    value: str
    resolved_id: str | None = None
    resolved_name: str | None = None
    slot_type: str | None = None

    @property
    def is_custom(self) -> bool:
        # Only custom types get entity resolution from the skill's own values.
        return self.slot_type is not None and not self.slot_type.startswith("AMAZON.")

    @property
    def resolved(self) -> bool:
        return self.resolved_id is not None or self.resolved_name is not None


def _generated_value_id(name: str) -> str:
    # Alexa invents a 32-hex id for slot values declared without one; a stable hash keeps
    # repeated local runs comparable.
    return hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()


def resolutions(slot: Slot, application_id: str = LOCAL_SKILL_ID) -> dict[str, Any]:
    """The ``resolutions`` object Alexa attaches to a slot of a custom type."""
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.{application_id}.{slot.slot_type}",
        "status": {"code": MATCH if slot.resolved else NO_MATCH},
    }
    if slot.resolved:
        name = slot.resolved_name or slot.value
        value_id = slot.resolved_id or _generated_value_id(name)
        authority["values"] = [{"value": {"name": name, "id": value_id}}]
    return {"resolutionsPerAuthority": [authority]}


def slot_json(
    name: str, slot: Slot | str | None, application_id: str = LOCAL_SKILL_ID
) -> dict[str, Any]:
    """One entry of ``intent.slots``; an unfilled slot has only its name and status."""
    if isinstance(slot, str):
        slot = Slot(slot)
    if slot is None or slot.value == "":
        return {"name": name, "confirmationStatus": "NONE"}
    simple: dict[str, Any] = {"type": "Simple", "value": slot.value}
    entry: dict[str, Any] = {
        "name": name,
        "value": slot.value,
        "confirmationStatus": "NONE",
        "source": "USER",
    }
    if slot.is_custom:
        entry["resolutions"] = resolutions(slot, application_id)
        simple["resolutions"] = copy.deepcopy(entry["resolutions"])
    # Alexa sends the newer ``slotValue`` form alongside ``value``.
    entry["slotValue"] = simple
    return entry


@dataclass
class Session:
    """What Alexa carries from one turn to the next: the session id, ``new`` and attributes."""

    session_id: str = field(default_factory=lambda: new_id("session"))
    user_id: str = LOCAL_USER_ID
    device_id: str = LOCAL_DEVICE_ID
    person_id: str | None = LOCAL_PERSON_ID
    application_id: str = LOCAL_SKILL_ID
    attributes: dict[str, Any] = field(default_factory=dict)
    new: bool = True

    @property
    def is_open(self) -> bool:
        """True once the skill has answered in this session without ending it."""
        return not self.new

    def restart(self) -> None:
        """Start a fresh session, as Alexa does when the skill is invoked again."""
        self.session_id = new_id("session")
        self.attributes = {}
        self.new = True

    def apply(self, response_envelope: Mapping[str, Any]) -> bool:
        """Take the skill's answer into account; returns True when it ended the session.

        Our device is voice-only, so an omitted ``shouldEndSession`` ends the session, as on an
        Echo without a screen; only ``false`` or ``null`` keep it open.
        """
        response = response_envelope.get("response") or {}
        ended = response.get("shouldEndSession", True) is True
        if ended:
            self.restart()
            return True
        # Alexa returns exactly what the skill sent: attributes it left out are gone.
        self.attributes = copy.deepcopy(dict(response_envelope.get("sessionAttributes") or {}))
        self.new = False
        return False

    def session_json(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "sessionId": self.session_id,
            "application": {"applicationId": self.application_id},
            "attributes": copy.deepcopy(self.attributes),
            "user": {"userId": self.user_id},
        }

    def context_json(self) -> dict[str, Any]:
        system: dict[str, Any] = {
            "application": {"applicationId": self.application_id},
            "user": {"userId": self.user_id},
            "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
            "apiEndpoint": API_ENDPOINT,
            "apiAccessToken": LOCAL_API_ACCESS_TOKEN,
        }
        if self.person_id is not None:
            system["person"] = {"personId": self.person_id}
        return {"System": system}


def request(
    request_body: Mapping[str, Any],
    *,
    session: Session | None = None,
    locale: str = DEFAULT_LOCALE,
    request_id: str | None = None,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    """A whole envelope around ``request_body`` (which needs at least ``type``).

    ``requestId``, ``timestamp`` and ``locale`` are filled in unless the body has them.
    """
    if "type" not in request_body:
        raise ValueError("a request body needs a 'type'")
    current = session if session is not None else Session()
    body: dict[str, Any] = {
        "type": request_body["type"],
        "requestId": request_id or new_id("request"),
        "timestamp": timestamp_of(timestamp),
        "locale": locale,
    }
    body.update(copy.deepcopy(dict(request_body)))
    return {
        "version": "1.0",
        "session": current.session_json(),
        "context": current.context_json(),
        "request": body,
    }


def launch_request(
    *,
    session: Session | None = None,
    locale: str = DEFAULT_LOCALE,
    request_id: str | None = None,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    return request(
        {"type": "LaunchRequest"},
        session=session,
        locale=locale,
        request_id=request_id,
        timestamp=timestamp,
    )


def intent_request(
    name: str,
    slots: Mapping[str, Slot | str | None] | None = None,
    *,
    session: Session | None = None,
    locale: str = DEFAULT_LOCALE,
    confirmation_status: str = "NONE",
    dialog_state: str | None = None,
    request_id: str | None = None,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    """An IntentRequest; pass every declared slot (``None`` for unfilled), as Alexa does."""
    application_id = session.application_id if session is not None else LOCAL_SKILL_ID
    intent: dict[str, Any] = {"name": name, "confirmationStatus": confirmation_status}
    if slots:
        intent["slots"] = {
            slot_name: slot_json(slot_name, slot, application_id)
            for slot_name, slot in slots.items()
        }
    body: dict[str, Any] = {"type": "IntentRequest", "intent": intent}
    # Alexa only sends dialogState for intents with a dialog model.
    if dialog_state is not None:
        body["dialogState"] = dialog_state
    return request(body, session=session, locale=locale, request_id=request_id, timestamp=timestamp)


def session_ended_request(
    reason: str = "USER_INITIATED",
    *,
    error: Mapping[str, str] | None = None,
    session: Session | None = None,
    locale: str = DEFAULT_LOCALE,
    request_id: str | None = None,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    """A SessionEndedRequest; ``reason`` is USER_INITIATED, ERROR or EXCEEDED_MAX_REPROMPTS."""
    body: dict[str, Any] = {"type": "SessionEndedRequest", "reason": reason}
    if error is not None:
        body["error"] = dict(error)
    return request(body, session=session, locale=locale, request_id=request_id, timestamp=timestamp)
