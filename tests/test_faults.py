"""DynamoDB failing in every way AWS can fail: the listener still hears a good answer in time,
keeps the session, and nothing stored is lost or overwritten with defaults.

The skill talks to a moto server through a proxy that injects the faults (``tests/faults.py``):
throttling, 5xx errors, answers slower than the skill's read timeout, access denied and a
missing table. Every turn is timed; Alexa waits 8 s, Lambda's timeout is 7 s.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

from aftercare.content import Library, find_content_dir
from aftercare.profile import Profile
from aftercare.skill import LambdaHandler
from aftercare.state import SessionState
from tests.conftest import MakeSkill
from tests.dynamo import MotoServer
from tests.faults import FAULTS, FaultyProxy, TimedConversation
from tests.harness import Heard, slot_of
from tools.envelopes import Slot

PHRASES = Library(find_content_dir()).for_locale("en-US").phrases
WITHIN_S = 5.0
"""A generous bound on a turn with a failing store: Alexa waits 8 s."""


def said(heard: Heard, key: str) -> bool:
    return any(line in heard.text for line in PHRASES[key])


@dataclass
class FaultyStore:
    """The table, the proxy in front of it (where faults are injected) and the moto server."""

    table: str
    proxy: FaultyProxy
    server: MotoServer

    def record(self, table: str | None = None) -> dict[str, Any]:
        """The one listener's record as DynamoDB holds it: attributes and their write stamp."""
        scan = self.server.client().scan(TableName=table or self.table, ConsistentRead=True)
        (item,) = scan["Items"]
        return {**json.loads(item["attributes"]["S"]), "written_at": int(item["written_at"]["N"])}

    def items(self) -> list[dict[str, Any]]:
        return list(self.server.client().scan(TableName=self.table)["Items"])


@pytest.fixture
def store(dynamodb_table: str, faulty_proxy: FaultyProxy, moto_server: MotoServer) -> FaultyStore:
    return FaultyStore(dynamodb_table, faulty_proxy, moto_server)


class StoreLines(logging.Handler):
    """The log lines the skill writes at warning level or above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        lines = [f"{record.levelname} {record.getMessage()}" for record in self.records]
        self.records.clear()
        return lines


@pytest.fixture
def lines() -> Iterator[StoreLines]:
    capture = StoreLines()
    logging.getLogger().addHandler(capture)
    try:
        yield capture
    finally:
        logging.getLogger().removeHandler(capture)


class Stopwatch:
    """The skill's Lambda handler, timed: how long the slowest request took."""

    def __init__(self, skill: LambdaHandler) -> None:
        self.skill = skill
        self.slowest = 0.0

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            return self.skill(event, context)
        finally:
            self.slowest = max(self.slowest, time.perf_counter() - started)


def start(conversation: TimedConversation, minutes: int, company: str) -> Heard:
    return conversation.say(
        "StartWindDownIntent",
        length=Slot(f"PT{minutes}M", slot_type="AMAZON.DURATION"),
        company=slot_of("WINDDOWN_COMPANY", company),
    )


def listener_with_a_record(skill: LambdaHandler) -> TimedConversation:
    """A listener who heard the disclaimer, chose discreet mode and left a ten-minute wind-down
    for two at its first part, all stored while the store was healthy."""
    conversation = TimedConversation(skill)
    conversation.launch()
    conversation.say("DiscreetOnIntent")
    start(conversation, 10, "together")
    assert conversation.say("AMAZON.StopIntent").ends_session
    return conversation


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_failing_store_costs_one_clear_line_and_the_latest_state_is_written_after(
    name: str,
    make_skill: MakeSkill,
    store: FaultyStore,
    lines: StoreLines,
) -> None:
    # GIVEN a listener with a stored record, and a store that now fails every call
    stopwatch = Stopwatch(make_skill(TABLE_NAME=store.table))
    conversation = listener_with_a_record(stopwatch)
    before = store.record()
    lines.take()
    fault = FAULTS[name]
    stopwatch.slowest = 0.0
    with store.proxy.failing(fault):
        # WHEN they open the skill, start a five-minute wind-down alone and ask for it slower
        for say in (
            conversation.launch,
            lambda: start(conversation, 5, "alone"),
            lambda: conversation.say("SlowerIntent"),
        ):
            heard = say()
            # THEN every turn is answered, with one warning naming the fault
            assert heard.text and not heard.ends_session and heard.reprompt
            (line,) = lines.take()
            assert line.startswith("WARNING profile store") and (fault.error or "Timeout") in line
        assert said(heard, "winddown_prompt")
        assert heard.attributes["winddown"] == {
            "minutes": 5,
            "company": "alone",
            "step": 0,
            "pace": 1,
        }
    # ... and in good time
    assert stopwatch.slowest < WITHIN_S
    assert store.record() == before
    # WHEN the store answers again, at the next turn
    conversation.say("AMAZON.PauseIntent")
    # THEN the latest progress is written, and what the session could not read is kept
    after = store.record()
    progress = {key: value for key, value in after["winddown"].items() if key != "saved_at"}
    assert progress == heard.attributes["winddown"]
    assert after["quiet"] is True and after["disclaimer_heard"] is True
    assert after["written_at"] > before["written_at"]
    assert lines.take() == []


def test_a_refused_write_costs_one_call_and_is_written_on_the_next_good_turn(
    make_skill: MakeSkill,
    store: FaultyStore,
    lines: StoreLines,
) -> None:
    # GIVEN a session that read the listener's record, and a store that then refuses writes
    conversation = listener_with_a_record(make_skill(TABLE_NAME=store.table))
    conversation.launch()
    before = store.record()
    lines.take()
    store.proxy.calls.clear()
    with store.proxy.failing(FAULTS["throttling"], only={"PutItem"}):
        # WHEN the listener turns discreet mode off
        heard = conversation.say("DiscreetOffIntent")
    # THEN they hear it done; the store got one write (boto3 tried it twice) and nothing else
    assert said(heard, "discreet_off") and not heard.ends_session
    assert store.proxy.calls == ["PutItem", "PutItem"]
    assert heard.attributes["unsaved"] == ["quiet"]
    (line,) = lines.take()
    assert "write failed (ThrottlingException)" in line
    assert store.record()["quiet"] is True
    # WHEN the next turn comes, with the store answering again
    heard = conversation.say("WhatIsAftercareIntent")
    # THEN the change is written, and only the change: the stored wind-down is still there
    after = store.record()
    assert "quiet" not in after and after["winddown"] == before["winddown"]
    assert "unsaved" not in heard.attributes
    assert lines.take() == []


def test_a_session_that_could_not_read_writes_its_changes_never_its_defaults(
    make_skill: MakeSkill,
    store: FaultyStore,
) -> None:
    # GIVEN a listener with a stored record: an unfinished wind-down, discreet mode off
    conversation = TimedConversation(make_skill(TABLE_NAME=store.table))
    conversation.launch()
    start(conversation, 10, "together")
    conversation.say("AMAZON.StopIntent")
    before = store.record()
    # WHEN the store cannot be read as they open the skill (so it sounds like a first visit,
    # with no wind-down to offer) and they turn discreet mode on
    with store.proxy.failing(FAULTS["unavailable"]):
        welcome = conversation.launch()
        assert said(welcome, "disclaimer") and "offer" not in welcome.attributes
        assert conversation.say("DiscreetOnIntent").attributes["unread"] is True
    # ... and the store answers again on the next turn
    heard = conversation.say("ResumeWindDownIntent")
    # THEN the record has their change, and nothing of it was replaced by a default: the
    # unfinished wind-down is still there, and resumes
    after = store.record()
    assert after["quiet"] is True and after["disclaimer_heard"] is True
    assert after["winddown"] == before["winddown"]
    assert said(heard, "winddown_resume_stored")
    assert "unread" not in heard.attributes and "unsaved" not in heard.attributes


def test_a_store_that_is_down_is_left_alone_for_a_while_when_nothing_waits_to_be_written(
    make_skill: MakeSkill, store: FaultyStore
) -> None:
    # GIVEN a listener whose store stops answering in time, ten seconds between their turns
    conversation = TimedConversation(make_skill(TABLE_NAME=store.table))
    with store.proxy.failing(FAULTS["slow answer"]):
        # WHEN they ask three questions in a row, which change nothing stored
        conversation.say("WhatIsAftercareIntent")
        tried = len(store.proxy.calls)
        conversation.say("TellMeMoreIntent")
        heard = conversation.say("PhysicalAftercareIntent")
        # THEN only the first paid for the store: the next two, within 30 s, did not call it
        assert tried == 2 and len(store.proxy.calls) == tried
        assert heard.text and not heard.ends_session
        # ... and 30 s after the failure it is tried again
        conversation.say("EmotionalAftercareIntent")
        assert len(store.proxy.calls) == 2 * tried


def test_a_missing_table_leaves_the_conversation_going_until_it_exists(
    make_skill: MakeSkill, store: FaultyStore, lines: StoreLines
) -> None:
    # GIVEN a deployment whose table does not exist (yet): moto's own answer, not an injected one
    table = f"{store.table}-late"
    conversation = TimedConversation(make_skill(TABLE_NAME=table))
    # WHEN the listener opens the skill and turns discreet mode on
    conversation.launch()
    heard = conversation.say("DiscreetOnIntent")
    # THEN they are answered, and each turn logs why nothing was stored
    assert said(heard, "discreet_on") and not heard.ends_session
    found = lines.take()
    assert len(found) == 2 and all("ResourceNotFoundException" in line for line in found)
    # WHEN the table appears before the next turn
    store.server.create_table(table)
    conversation.say("WhatIsAftercareIntent")
    # THEN what the session changed is stored
    after = store.record(table)
    assert after["quiet"] is True and after["disclaimer_heard"] is True


def test_delete_my_data_during_an_outage_is_said_truthfully_and_works_afterwards(
    make_skill: MakeSkill,
    store: FaultyStore,
) -> None:
    conversation = listener_with_a_record(make_skill(TABLE_NAME=store.table))
    conversation.launch()
    conversation.say("DeleteDataIntent")
    with store.proxy.failing(FAULTS["access denied"], only={"DeleteItem"}):
        heard = conversation.say("AMAZON.YesIntent")
    assert said(heard, "delete_failed") and not heard.ends_session
    assert store.record()["quiet"] is True
    conversation.say("DeleteDataIntent")
    assert said(conversation.say("AMAZON.YesIntent"), "deleted")
    assert store.items() == []


def test_store_warnings_never_carry_the_listeners_storage_key(
    make_skill: MakeSkill,
    store: FaultyStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    conversation = listener_with_a_record(make_skill(TABLE_NAME=store.table))
    (item,) = store.items()
    for fault in FAULTS.values():
        with store.proxy.failing(replace(fault, delay_s=min(fault.delay_s, 1.2))):
            conversation.say("DiscreetOffIntent")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "profile store" in text and item["user_key"]["S"] not in text


def test_what_the_session_knows_of_the_store_is_read_defensively_and_kept_on_start_over() -> None:
    kept = SessionState(
        stored=Profile(quiet=True),
        stored_at=1_700_000_000_000,
        unsaved=["quiet"],
        unread=True,
        store_failed_at=1_700_000_000_500,
    )
    assert SessionState.from_attributes(kept.to_attributes()) == kept
    assert kept.restarted() == kept
    broken = SessionState.from_attributes(
        {"stored_at": "x", "unsaved": ["quiet", "nope", 3], "unread": "yes", "store_failed_at": -5}
    )
    assert (broken.stored_at, broken.unsaved, broken.unread, broken.store_failed_at) == (
        0,
        [],
        False,
        0,
    )
    orphan = SessionState.from_attributes({"stored": {"quiet": True}, "unsaved": ["quiet", "x"]})
    assert orphan.unsaved == ["quiet"]


@pytest.mark.parametrize("reason", ["EXCEEDED_MAX_REPROMPTS", "USER_INITIATED"])
def test_a_change_still_waiting_is_written_when_the_session_ends(
    reason: str, make_skill: MakeSkill, store: FaultyStore
) -> None:
    # GIVEN a change the store refused during the session
    conversation = listener_with_a_record(make_skill(TABLE_NAME=store.table))
    conversation.launch()
    with store.proxy.failing(FAULTS["internal error"], only={"PutItem"}):
        conversation.say("DiscreetOffIntent")
    assert store.record()["quiet"] is True
    # WHEN the session ends without another turn (silence, or the listener leaves)
    conversation.end(reason)
    # THEN the change is written then
    assert "quiet" not in store.record()
