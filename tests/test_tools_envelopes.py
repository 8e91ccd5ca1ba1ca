"""The local request envelopes are what the SDK accepts, and sessions carry as Alexa's do."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.slu.entityresolution import StatusCode

from tools.envelopes import (
    LOCAL_SKILL_ID,
    LOCAL_USER_ID,
    Session,
    Slot,
    intent_request,
    launch_request,
    request,
    session_ended_request,
)

AUTHORITY = f"amzn1.er-authority.echo-sdk.{LOCAL_SKILL_ID}.TOPIC"


def deserialize(envelope: dict[str, Any]) -> Any:
    return DefaultSerializer().deserialize(json.dumps(envelope), "ask_sdk_model.RequestEnvelope")


# --- shape ----------------------------------------------------------------------------------


def test_a_launch_request_deserializes_with_the_sdk() -> None:
    envelope = launch_request(locale="en-GB")

    parsed = deserialize(envelope)

    assert envelope["version"] == "1.0"
    assert parsed.request.object_type == "LaunchRequest"
    assert parsed.request.locale == "en-GB"
    assert parsed.session.new is True
    assert parsed.session.application.application_id == LOCAL_SKILL_ID
    assert parsed.context.system.application.application_id == LOCAL_SKILL_ID
    assert parsed.context.system.user.user_id == LOCAL_USER_ID
    assert parsed.context.system.device.device_id
    assert parsed.context.system.api_access_token


def test_ids_and_timestamp_look_like_alexas() -> None:
    moment = datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC)

    envelope = launch_request(timestamp=moment)

    assert envelope["request"]["timestamp"] == "2025-03-04T05:06:07Z"
    assert envelope["request"]["requestId"].startswith("amzn1.echo-api.request.")
    assert envelope["session"]["sessionId"].startswith("amzn1.echo-api.session.")
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", launch_request()["request"]["timestamp"]
    )


def test_an_intent_request_deserializes_with_its_slots() -> None:
    envelope = intent_request(
        "LearnIntent",
        {"topic": Slot("after care", "AFTERCARE", "aftercare", "TOPIC"), "extra": "plain words"},
    )

    intent = deserialize(envelope).request.intent

    assert intent.name == "LearnIntent"
    assert intent.slots["topic"].value == "after care"
    assert intent.slots["topic"].slot_value.value == "after care"
    assert intent.slots["extra"].value == "plain words"
    assert intent.slots["extra"].resolutions is None


def test_a_resolved_custom_slot_carries_a_success_match() -> None:
    envelope = intent_request(
        "LearnIntent", {"topic": Slot("after care", "AFTERCARE", "aftercare", "TOPIC")}
    )

    authority = (
        deserialize(envelope).request.intent.slots["topic"].resolutions.resolutions_per_authority[0]
    )

    assert authority.authority == AUTHORITY
    assert authority.status.code == StatusCode.ER_SUCCESS_MATCH
    assert [(v.value.id, v.value.name) for v in authority.values] == [("AFTERCARE", "aftercare")]


def test_an_unresolved_custom_slot_carries_no_match_and_no_values() -> None:
    envelope = intent_request("LearnIntent", {"topic": Slot("knitting", slot_type="TOPIC")})

    raw = envelope["request"]["intent"]["slots"]["topic"]["resolutions"]["resolutionsPerAuthority"]
    authority = deserialize(envelope).request.intent.slots["topic"].resolutions
    first = authority.resolutions_per_authority[0]

    assert raw == [{"authority": AUTHORITY, "status": {"code": "ER_SUCCESS_NO_MATCH"}}]
    assert first.status.code == StatusCode.ER_SUCCESS_NO_MATCH
    assert first.values is None


def test_a_value_resolved_without_an_id_gets_a_stable_generated_one() -> None:
    def value_id() -> str:
        envelope = intent_request("LearnIntent", {"topic": Slot("limits", None, "limits", "TOPIC")})
        slot = envelope["request"]["intent"]["slots"]["topic"]
        return str(slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"])

    assert re.fullmatch(r"[0-9a-f]{32}", value_id())
    assert value_id() == value_id()


def test_a_builtin_type_slot_has_no_resolutions() -> None:
    envelope = intent_request(
        "WindDownIntent", {"duration": Slot("PT5M", slot_type="AMAZON.DURATION")}
    )

    slot = envelope["request"]["intent"]["slots"]["duration"]

    assert slot["value"] == "PT5M"
    assert "resolutions" not in slot


@pytest.mark.parametrize("empty", [None, "", Slot("")])
def test_an_unfilled_slot_has_only_its_name_and_status(empty: Slot | str | None) -> None:
    envelope = intent_request("WindDownIntent", {"duration": empty})

    assert envelope["request"]["intent"]["slots"]["duration"] == {
        "name": "duration",
        "confirmationStatus": "NONE",
    }
    assert deserialize(envelope).request.intent.slots["duration"].value is None


def test_an_intent_without_slots_has_no_slots_object() -> None:
    intent = intent_request("AMAZON.HelpIntent")["request"]["intent"]

    assert intent == {"name": "AMAZON.HelpIntent", "confirmationStatus": "NONE"}


def test_a_session_ended_request_deserializes_with_its_reason() -> None:
    parsed = deserialize(session_ended_request("EXCEEDED_MAX_REPROMPTS"))

    assert parsed.request.object_type == "SessionEndedRequest"
    assert parsed.request.reason.value == "EXCEEDED_MAX_REPROMPTS"


def test_a_generic_request_keeps_its_body_and_needs_a_type() -> None:
    envelope = request({"type": "CanFulfillIntentRequest", "intent": {"name": "X"}}, locale="de-DE")

    assert envelope["request"]["type"] == "CanFulfillIntentRequest"
    assert envelope["request"]["intent"] == {"name": "X"}
    assert envelope["request"]["locale"] == "de-DE"
    with pytest.raises(ValueError, match="type"):
        request({"intent": {"name": "X"}})


# --- sessions -------------------------------------------------------------------------------


def answer(attributes: dict[str, Any] | None = None, **response: Any) -> dict[str, Any]:
    """A response envelope as the skill would return it."""
    envelope: dict[str, Any] = {"version": "1.0", "response": response}
    if attributes is not None:
        envelope["sessionAttributes"] = attributes
    return envelope


def test_session_attributes_are_carried_into_the_next_request() -> None:
    session = Session()
    first = launch_request(session=session)

    ended = session.apply(answer({"step": 2}, shouldEndSession=False))
    second = deserialize(intent_request("AMAZON.YesIntent", session=session))

    assert first["session"]["new"] is True
    assert ended is False
    assert second.session.new is False
    assert second.session.session_id == first["session"]["sessionId"]
    assert second.session.attributes == {"step": 2}


def test_attributes_the_skill_left_out_are_gone() -> None:
    session = Session(attributes={"step": 2}, new=False)

    session.apply(answer(None, shouldEndSession=False))

    assert session.attributes == {}


def test_ending_the_session_starts_a_new_one_next_time() -> None:
    session = Session()
    session.apply(answer({"step": 2}, shouldEndSession=False))
    old_id = session.session_id

    ended = session.apply(answer({"step": 3}, shouldEndSession=True))
    after = launch_request(session=session)["session"]

    assert ended is True
    assert after["new"] is True
    assert after["attributes"] == {}
    assert after["sessionId"] != old_id


def test_an_omitted_should_end_session_ends_it_on_a_voice_only_device() -> None:
    session = Session()

    assert session.apply(answer({"step": 2})) is True
    assert session.new is True
    assert session.attributes == {}


def test_the_envelope_does_not_share_attributes_with_the_session() -> None:
    session = Session(attributes={"list": [1]}, new=False)

    envelope = launch_request(session=session)
    envelope["session"]["attributes"]["list"].append(2)

    assert session.attributes == {"list": [1]}
