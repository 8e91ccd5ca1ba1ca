"""The handler reads the event as the SDK would, primes the SDK at start-up, and touches nothing.

``EnvelopeSerializer.read`` walks the event dict with the SDK's own (private) model walk instead
of ``json.dumps`` and the SDK's public ``deserialize``, and reads Alexa's timestamps with
``datetime.fromisoformat``. These tests hold it to the public path on every kind of envelope, so
an upgrade of the pinned SDK that changes either fails here.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from hypothesis import given
from hypothesis import strategies as st

from aftercare.envelope import PRIMING_EVENTS, EnvelopeSerializer
from tests.conftest import MakeSkill
from tests.harness import Conversation, load_model, slot_of
from tools import envelopes
from tools.envelopes import Session, Slot

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
MODEL = load_model("en-US")


def by_the_sdk(event: Any) -> object:
    """What the SDK's public path makes of an event: its envelope, or the error it raises."""
    try:
        envelope: object = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    except SerializationException as error:
        return f"SerializationException: {error}"
    return envelope


def by_reading(event: Any) -> object:
    try:
        return EnvelopeSerializer().read(event)
    except SerializationException as error:
        return f"SerializationException: {error}"


def assert_read_as_the_sdk_reads(event: Any) -> None:
    expected, read = by_the_sdk(event), by_reading(event)
    assert read == expected
    if isinstance(read, RequestEnvelope) and isinstance(expected, RequestEnvelope):
        # Equal datetimes may still differ in their offset: it must be the same too.
        stamps = (getattr(e.request, "timestamp", None) for e in (read, expected))
        assert len({stamp.utcoffset() if stamp else None for stamp in stamps}) == 1


def every_intent() -> list[dict[str, Any]]:
    """Every intent of the model, once with every slot filled and resolved, once unfilled."""
    events = []
    for intent in MODEL["intents"]:
        slots = intent.get("slots", [])
        filled: dict[str, Slot | str | None] = {}
        for declared in slots:
            values: list[dict[str, Any]] = next(
                (t["values"] for t in MODEL.get("types", []) if t["name"] == declared["type"]),
                [],
            )
            spoken = values[0]["name"]["value"] if values else "five"
            filled[declared["name"]] = slot_of(declared["type"], spoken)
        events.append(envelopes.intent_request(intent["name"], filled or None))
        if slots:
            events.append(
                envelopes.intent_request(intent["name"], {s["name"]: None for s in slots})
            )
    return events


def with_timestamp(stamp: object) -> dict[str, Any]:
    event = envelopes.launch_request()
    event["request"]["timestamp"] = stamp
    return event


def with_request(body: dict[str, Any]) -> dict[str, Any]:
    return envelopes.request(body)


FIXTURES: list[Any] = [
    envelopes.launch_request(),
    *every_intent(),
    envelopes.intent_request("TopicIntent", {"topic": slot_of("AFTERCARE_TOPIC", "cuddles")}),
    envelopes.intent_request("TopicIntent", {"topic": Slot("knitting", slot_type="TOPIC")}),
    envelopes.intent_request("StartWindDownIntent", dialog_state="STARTED"),
    envelopes.session_ended_request("USER_INITIATED"),
    envelopes.session_ended_request("EXCEEDED_MAX_REPROMPTS"),
    envelopes.session_ended_request(
        "ERROR", error={"type": "INVALID_RESPONSE", "message": "the response was invalid"}
    ),
    *PRIMING_EVENTS,
    with_request(
        {"type": "AlexaSkillEvent.SkillDisabled", "eventCreationTime": "2026-11-28T01:00:00Z"}
    ),
    with_request(
        {
            "type": "System.ExceptionEncountered",
            "error": {"type": "INVALID_RESPONSE", "message": "x"},
            "cause": {"requestId": "amzn1.echo-api.request.1"},
        }
    ),
    with_request({"type": "CanFulfillIntentRequest", "intent": {"name": "TopicIntent"}}),
    with_request({"type": "Alexa.Presentation.APL.UserEvent", "arguments": ["a", 1]}),
    with_request({"type": "Some.Future.Request", "anything": {"at": "all"}}),
    # Timestamps: Alexa's own forms, and others that only dateutil reads (or nobody).
    with_timestamp("2026-11-28T01:46:00Z"),
    with_timestamp("2026-11-28T01:46:00.123Z"),
    with_timestamp("2026-11-28T01:46:00.1234567Z"),
    with_timestamp("2026-11-28T01:46:00+01:00"),
    with_timestamp("2026-11-28T01:46:00"),
    with_timestamp("2026-11-28"),
    with_timestamp("Nov 28 2026 1:46am"),
    with_timestamp("2026-02-30T00:00:00Z"),
    with_timestamp("2026-11-28T25:00:00Z"),
    with_timestamp("not a time"),
    with_timestamp(""),
    with_timestamp(1_764_294_360),
    # Not envelopes at all.
    {},
    {"request": None},
    {"session": "no", "request": {"type": "LaunchRequest"}},
    [],
    "LaunchRequest",
    None,
]


@pytest.mark.parametrize("event", FIXTURES, ids=range(len(FIXTURES)))
def test_reading_an_event_gives_what_the_sdks_public_path_gives(event: Any) -> None:
    assert_read_as_the_sdk_reads(event)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
TIMESTAMPS = st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat(timespec="seconds") + "Z"),
    st.datetimes().map(lambda moment: moment.isoformat() + "Z"),
    st.from_regex(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z", fullmatch=True),
    st.text(max_size=30),
)


@given(
    base=st.sampled_from(FIXTURES[:10]),
    path=st.sampled_from(
        [
            ("request", "timestamp"),
            ("request", "type"),
            ("request", "intent"),
            ("request", "reason"),
            ("session", "attributes"),
            ("session", "new"),
            ("context", "System"),
            ("context", "System", "device"),
            ("version",),
        ]
    ),
    value=st.one_of(TIMESTAMPS, JSON_VALUES),
)
def test_reading_any_changed_event_gives_what_the_sdks_public_path_gives(
    base: dict[str, Any], path: tuple[str, ...], value: Any
) -> None:
    event = copy.deepcopy(base)
    holder = event
    for name in path[:-1]:
        holder = holder.setdefault(name, {}) if isinstance(holder, dict) else {}
    if isinstance(holder, dict):
        holder[path[-1]] = value
    assert_read_as_the_sdk_reads(event)


def test_the_handler_leaves_every_event_it_answers_untouched(skill: Any) -> None:
    conversation = Conversation(skill)
    sent = []
    original = conversation.handler

    def keeping(event: dict[str, Any], context: Any) -> dict[str, Any]:
        before = copy.deepcopy(event)
        answer = original(event, context)
        sent.append((before, event))
        return answer

    conversation.handler = keeping
    conversation.launch()
    conversation.say("WhatIsAftercareIntent")
    conversation.say("TopicIntent", topic=slot_of("AFTERCARE_TOPIC", "cuddles"))
    conversation.say("AftercareIdeaIntent")
    conversation.say("AMAZON.RepeatIntent")
    conversation.end()
    assert len(sent) == 6
    assert all(before == after for before, after in sent)


def test_starting_up_opens_the_store_but_stores_nothing(
    make_skill: MakeSkill, tmp_path: Path
) -> None:
    # GIVEN the embedded store in a file that does not exist yet
    store = tmp_path / "fresh" / "store.sqlite3"
    # WHEN the handler is built (priming the SDK on canned requests included)
    handler = make_skill(LOCAL_STORE_PATH=str(store))
    # THEN the file is ready, so no listener waits for it, and priming stored no record
    assert store.is_file()
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM profiles").fetchone() == (0,)
    Conversation(handler).launch()
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM profiles").fetchone() == (1,)


FIRST_REQUESTS = """
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
before = set(sys.modules)
for event in json.loads(sys.argv[2]):
    lambda_function.handler(event, None)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_first_requests_import_nothing_start_up_did_not(tmp_path: Path) -> None:
    # GIVEN requests as a device with a screen and an audio player sends them
    session = Session()
    requests = [
        envelopes.launch_request(session=session),
        envelopes.intent_request(
            "TopicIntent", {"topic": slot_of("AFTERCARE_TOPIC", "cuddles")}, session=session
        ),
        envelopes.session_ended_request("ERROR", error={"type": "INTERNAL_SERVICE_ERROR"}),
    ]
    for event in requests:
        event["context"] = copy.deepcopy(PRIMING_EVENTS[0]["context"])
        event["context"]["System"]["application"]["applicationId"] = envelopes.LOCAL_SKILL_ID
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("AWS_")},
        "LOCAL_STORE_PATH": str(tmp_path / "store.sqlite3"),
        "LOG_LEVEL": "WARNING",
        "AFTERCARE_LOCAL_CONFIG": str(tmp_path / "none.toml"),
    }
    (tmp_path / "none.toml").write_text("")
    # WHEN a fresh process starts the skill and answers them
    done = subprocess.run(
        [sys.executable, "-c", FIRST_REQUESTS, str(LAMBDA_DIR), json.dumps(requests)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    # THEN every module they needed was imported during start-up
    assert json.loads(done.stdout) == []
