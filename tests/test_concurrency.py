"""No lost or reversed progress when one listener's requests interleave: two devices at once, a
request delayed or replayed, many sessions racing. Against both stores.

Every write carries the request's time (``written_at``); a write older than the stored record is
refused, and a write based on a record someone else changed since is merged into that record
(only the fields this session changed are taken from it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from aftercare.content import Library, find_content_dir
from aftercare.persistence.dynamodb import WRITTEN_AT, DynamoDBStore
from aftercare.persistence.embedded import EmbeddedStore
from aftercare.persistence.records import Record, StaleWrite
from tests.conftest import STORES, MakeSkill
from tests.dynamo import MotoServer
from tests.faults import Clock, TimedConversation
from tests.harness import Conversation, Heard, slot_of
from tools import envelopes
from tools.envelopes import Session, Slot

PHRASES = Library(find_content_dir()).for_locale("en-US").phrases


def said(heard: Heard, key: str) -> bool:
    return any(line in heard.text for line in PHRASES[key])


def record_of(skill_settings: dict[str, str], request: pytest.FixtureRequest) -> dict[str, Any]:
    """The single stored record, attributes and write stamp, read around the skill."""
    if "TABLE_NAME" in skill_settings:
        server: MotoServer = request.getfixturevalue("moto_server")
        table = skill_settings["TABLE_NAME"]
        (item,) = server.client().scan(TableName=table, ConsistentRead=True)["Items"]
        return {**json.loads(item["attributes"]["S"]), WRITTEN_AT: int(item[WRITTEN_AT]["N"])}
    path = Path(request.getfixturevalue("tmp_path")) / "store.sqlite3"
    with sqlite3.connect(path) as db:
        ((attributes, written_at),) = db.execute("SELECT attributes, written_at FROM profiles")
    return {**json.loads(attributes), WRITTEN_AT: written_at}


def progress(record: dict[str, Any]) -> dict[str, Any]:
    kept = record.get("winddown") or {}
    return {key: value for key, value in kept.items() if key != "saved_at"}


def start_winddown(conversation: Conversation) -> Heard:
    return conversation.say(
        "StartWindDownIntent",
        length=Slot("PT10M", slot_type="AMAZON.DURATION"),
        company=slot_of("WINDDOWN_COMPANY", "together"),
    )


def test_two_devices_at_once_keep_both_changes_and_an_older_write_loses(
    make_skill: MakeSkill, store_settings: dict[str, str], request: pytest.FixtureRequest
) -> None:
    # GIVEN one listener in two sessions at once (two devices), each read the stored record
    clock = Clock()
    a = TimedConversation(make_skill(**store_settings), clock=clock)
    b = TimedConversation(make_skill(**store_settings), clock=clock)
    a.launch()
    b.launch()
    # WHEN B starts a wind-down, then A, whose copy has none, turns discreet mode on
    start_winddown(b)
    a.say("DiscreetOnIntent")
    # THEN the record has both: A's change did not take B's wind-down away
    record = record_of(store_settings, request)
    assert record["quiet"] is True
    assert progress(record) == {"minutes": 10, "company": "together", "step": 0, "pace": 0}

    # WHEN A's next request is delayed: made before B slows the wind-down, arriving after
    delayed = envelopes.intent_request(
        "DiscreetOffIntent", session=a.session, timestamp=clock.tick()
    )
    b.say("SlowerIntent")
    heard = Conversation.send(a, delayed)
    # THEN the older request is answered, but does not overwrite the newer record
    assert said(heard, "discreet_off")
    after = record_of(store_settings, request)
    assert after["quiet"] is True and progress(after)["pace"] == 1
    assert after[WRITTEN_AT] > record[WRITTEN_AT]
    # ... and A's session now follows the record as stored
    assert heard.attributes["stored"]["quiet"] is True


def test_a_replayed_request_cannot_take_progress_back(
    make_skill: MakeSkill, store_settings: dict[str, str], request: pytest.FixtureRequest
) -> None:
    # GIVEN a wind-down started and then slowed down
    conversation = TimedConversation(make_skill(**store_settings))
    conversation.launch()
    started = envelopes.intent_request(
        "StartWindDownIntent",
        {
            "length": Slot("PT10M", slot_type="AMAZON.DURATION"),
            "company": slot_of("WINDDOWN_COMPANY", "together"),
        },
        session=conversation.session,
        timestamp=conversation.clock.tick(),
    )
    Conversation.send(conversation, json.loads(json.dumps(started)))
    conversation.say("SlowerIntent")
    slowed = record_of(store_settings, request)
    # WHEN the request that started it arrives again (a retry from Alexa)
    heard = Conversation.send(conversation, started)
    # THEN it is answered, and the stored pace stays where the later request left it
    assert heard.text and not heard.ends_session
    assert record_of(store_settings, request) == slowed
    assert progress(slowed)["pace"] == 1


def storage_key(secret: bytes) -> str:
    return hmac.new(secret, envelopes.LOCAL_USER_ID.encode(), hashlib.sha256).hexdigest()


def envelope_at(moment: datetime, user_id: str = envelopes.LOCAL_USER_ID) -> RequestEnvelope:
    event = envelopes.launch_request(session=Session(user_id=user_id), timestamp=moment)
    envelope = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    assert isinstance(envelope, RequestEnvelope)
    return envelope


@pytest.mark.parametrize("kind", STORES)
def test_each_store_refuses_an_older_write_and_one_based_on_a_changed_record(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if kind == "dynamodb":
        store: Any = DynamoDBStore(str(request.getfixturevalue("dynamodb_table")), b"s", 3600)
    else:
        store = EmbeddedStore(tmp_path / "store.sqlite3", b"s", 3600)
    early = datetime.now().astimezone() - timedelta(minutes=5)
    at = [envelope_at(early + timedelta(seconds=second)) for second in range(4)]
    # GIVEN A and B both read the (empty) record
    read_by_a, read_by_b = store.get_attributes(at[0]), store.get_attributes(at[1])
    assert read_by_a == read_by_b == {} and read_by_a.written_at == 0
    # WHEN B writes, then A writes what it based on the same read
    store.save_attributes(at[2], Record({"by": "B"}, read_by_b.written_at))
    with pytest.raises(StaleWrite) as refused:
        store.save_attributes(at[3], Record({"by": "A"}, read_by_a.written_at))
    # THEN A's write is refused, and A is handed B's record to merge with
    assert refused.value.current == {"by": "B"}
    # ... a plain write of an older time is refused too, a newer one goes through
    with pytest.raises(StaleWrite):
        store.save_attributes(at[1], {"by": "old"})
    store.save_attributes(at[3], {"by": "new"})
    current = store.get_attributes(at[3])
    assert current == {"by": "new"} and current.written_at > refused.value.current.written_at


@pytest.mark.parametrize("kind", STORES)
def test_a_record_from_before_stamped_writes_is_read_and_written(
    kind: str, make_skill: MakeSkill, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # GIVEN a record an earlier version wrote: no write stamp (and an older SQLite file)
    old = {"disclaimer_heard": True, "quiet": True}
    settings: dict[str, str] = {}
    if kind == "dynamodb":
        table = str(request.getfixturevalue("dynamodb_table"))
        server: MotoServer = request.getfixturevalue("moto_server")
        key = storage_key(b"legacy-secret")
        server.client().put_item(
            TableName=table,
            Item={"user_key": {"S": key}, "attributes": {"S": json.dumps(old)}},
        )
        settings = {"TABLE_NAME": table}
    else:
        with sqlite3.connect(tmp_path / "store.sqlite3") as db:
            db.execute(
                "CREATE TABLE profiles (user_key TEXT PRIMARY KEY, attributes TEXT NOT NULL,"
                " updated_at REAL NOT NULL)"
            )
            db.execute(
                "INSERT INTO profiles VALUES (?, ?, 0)",
                (storage_key(b"legacy-secret"), json.dumps(old)),
            )
    conversation = Conversation(make_skill(USER_KEY_SECRET="legacy-secret", **settings))
    # WHEN the listener comes back and turns discreet mode off
    welcome = conversation.launch()
    assert not said(welcome, "disclaimer")
    conversation.say("DiscreetOffIntent")
    # THEN the record is updated, and from now on stamped
    record = record_of(settings, request)
    assert "quiet" not in record and record["disclaimer_heard"] is True
    assert record[WRITTEN_AT] > 0


@pytest.mark.parametrize("kind", STORES)
def test_sessions_racing_leave_the_record_of_the_latest_request(
    kind: str, make_skill: MakeSkill, request: pytest.FixtureRequest
) -> None:
    # GIVEN one listener in six sessions at once, each on its own Lambda container
    settings = (
        {"TABLE_NAME": str(request.getfixturevalue("dynamodb_table"))} if kind == "dynamodb" else {}
    )
    clock, lock = Clock(step=timedelta(seconds=1)), threading.Lock()
    conversations = [TimedConversation(make_skill(**settings), clock=clock) for _ in range(6)]
    for conversation in conversations:
        conversation.launch()
    outcomes: list[tuple[datetime, dict[str, Any]]] = []

    def talk(index: int) -> None:
        rng = random.Random(index)
        conversation = conversations[index]
        for _ in range(8):
            intent = rng.choice(["DiscreetOnIntent", "DiscreetOffIntent", "AMAZON.PauseIntent"])
            with lock:
                moment = clock.tick()
            event = envelopes.intent_request(intent, session=conversation.session, timestamp=moment)
            # A little jitter, so requests reach the store out of the order of their times.
            threading.Event().wait(rng.random() * 0.01)
            heard = Conversation.send(conversation, event)
            with lock:
                outcomes.append((moment, dict(heard.attributes)))

    # WHEN each toggles discreet mode (or pauses) eight times, as fast as it can
    with ThreadPoolExecutor(max_workers=len(conversations)) as pool:
        for done in [pool.submit(talk, index) for index in range(len(conversations))]:
            done.result()
    # THEN the record is what the latest request that wrote left, never an earlier one's
    wrote = [
        (moment, attributes)
        for moment, attributes in outcomes
        if attributes.get("stored_at") == int(moment.timestamp() * 1000)
        and not attributes.get("unsaved")
    ]
    latest_moment, latest = max(wrote, key=lambda pair: pair[0])
    record = record_of(settings, request)
    assert record[WRITTEN_AT] == int(latest_moment.timestamp() * 1000)
    assert record.get("quiet", False) == latest["stored"].get("quiet", False)


def test_privacy_md_names_the_stamp_that_orders_writes() -> None:
    policy = (Path(__file__).parents[1] / "PRIVACY.md").read_text()
    assert f"`{WRITTEN_AT}`" in policy
