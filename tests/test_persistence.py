"""Both stores behind the SDK's persistence-adapter interface: the embedded SQLite file and
DynamoDB, the latter over HTTP against a moto server the tests start themselves."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from aftercare.config import Config
from aftercare.content import Library, find_content_dir
from aftercare.persistence import make_store
from aftercare.persistence.dynamodb import DynamoDBStore
from aftercare.persistence.embedded import EmbeddedStore
from aftercare.profile import Profile
from aftercare.state import SessionState
from aftercare.winddown import Progress
from tests.conftest import STORES, MakeSkill
from tests.dynamo import MotoServer
from tests.harness import Conversation, slot_of
from tools import envelopes
from tools.envelopes import Session, Slot

PHRASES = Library(find_content_dir()).for_locale("en-US").phrases


def envelope_of(user_id: str = envelopes.LOCAL_USER_ID) -> RequestEnvelope:
    event = envelopes.launch_request(session=Session(user_id=user_id))
    envelope = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    assert isinstance(envelope, RequestEnvelope)
    return envelope


def said(text: str, key: str) -> bool:
    return any(line in text for line in PHRASES[key])


def start_together(conversation: Conversation) -> None:
    conversation.say(
        "StartWindDownIntent",
        length=Slot("PT10M", slot_type="AMAZON.DURATION"),
        company=slot_of("WINDDOWN_COMPANY", "with my partner"),
    )


def test_the_store_is_chosen_by_configuration(tmp_path: Path) -> None:
    embedded = make_store(Config.from_env({"LOCAL_STORE_PATH": str(tmp_path / "s.db")}))
    assert isinstance(embedded, EmbeddedStore)
    assert isinstance(make_store(Config.from_env({"TABLE_NAME": "profiles"})), DynamoDBStore)


def make_kind(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, keep_for_seconds: int
) -> Any:
    if kind == "dynamodb":
        table = str(request.getfixturevalue("dynamodb_table"))
        return DynamoDBStore(table, b"secret", keep_for_seconds)
    return EmbeddedStore(tmp_path / "store.sqlite3", b"secret", keep_for_seconds)


@pytest.mark.parametrize("kind", STORES)
def test_a_record_past_its_keeping_period_is_gone(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # GIVEN a record written with no time left to keep it
    store = make_kind(kind, request, tmp_path, keep_for_seconds=0)
    mine = envelope_of()
    store.save_attributes(request_envelope=mine, attributes={"disclaimer_heard": True})
    # THEN it reads as never stored
    assert store.get_attributes(request_envelope=mine) == {}


def test_dynamodb_items_carry_the_ttl_attribute_the_table_expires_on(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    store = make_kind("dynamodb", request, tmp_path, keep_for_seconds=86_400)
    store.save_attributes(request_envelope=envelope_of(), attributes={"disclaimer_heard": True})
    items = store._dynamodb().scan(TableName=store.table_name)["Items"]
    expires = [int(item["expires_at"]["N"]) for item in items]
    assert expires and all(86_000 < value - time.time() <= 86_400 for value in expires)


@pytest.mark.parametrize("kind", STORES)
def test_each_store_saves_reads_and_deletes_through_the_adapter_interface(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    store = make_kind(kind, request, tmp_path, keep_for_seconds=3600)
    mine, theirs = envelope_of(), envelope_of("amzn1.ask.account.SOMEONE-ELSE")
    assert store.get_attributes(request_envelope=mine) == {}
    store.save_attributes(request_envelope=mine, attributes={"disclaimer_heard": True})
    assert store.get_attributes(request_envelope=mine) == {"disclaimer_heard": True}
    assert store.get_attributes(request_envelope=theirs) == {}
    store.delete_attributes(request_envelope=mine)
    assert store.get_attributes(request_envelope=mine) == {}


def test_an_interrupted_wind_down_resumes_in_a_new_session_of_a_new_process(
    make_skill: MakeSkill, store_settings: dict[str, str]
) -> None:
    first = Conversation(make_skill(**store_settings))
    start_together(first)
    slower = first.say("SlowerIntent")
    assert first.say("AMAZON.StopIntent").ends_session

    # A new Lambda container: nothing is shared but the store.
    later = Conversation(make_skill(**store_settings))
    welcome = later.launch()
    assert said(welcome.text, "winddown_unfinished")
    resumed = later.say("AMAZON.YesIntent")
    assert said(resumed.text, "winddown_resume_stored")
    assert resumed.attributes["winddown"] == {
        "minutes": 10,
        "company": "together",
        "step": 0,
        "pace": 1,
    }
    rates = re.findall(r'rate="(\d+)%"', resumed.ssml)
    assert rates[1:] == re.findall(r'rate="(\d+)%"', slower.ssml)[1:]
    assert later.say("AMAZON.NextIntent").ends_session

    finished = Conversation(make_skill(**store_settings))
    assert not said(finished.launch().text, "winddown_unfinished")


def test_resume_my_wind_down_in_a_new_session_goes_straight_back_to_it(
    make_skill: MakeSkill, store_settings: dict[str, str]
) -> None:
    first = Conversation(make_skill(**store_settings))
    start_together(first)
    first.end("EXCEEDED_MAX_REPROMPTS")
    heard = Conversation(make_skill(**store_settings)).say("ResumeWindDownIntent")
    assert said(heard.text, "winddown_resume_stored")
    assert heard.ends_session  # the part after the one heard to its end is the closing part


def stored_records(
    kind: str, tmp_path: Path, table: str | None, server: MotoServer | None
) -> list[tuple[str, dict[str, Any]]]:
    if kind == "dynamodb":
        assert server is not None and table is not None
        items = server.client().scan(TableName=table)["Items"]
        return [(item["user_key"]["S"], json.loads(item["attributes"]["S"])) for item in items]
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        rows = db.execute("SELECT user_key, attributes FROM profiles").fetchall()
    return [(key, json.loads(attributes)) for key, attributes in rows]


@pytest.mark.parametrize("kind", STORES)
def test_the_record_is_keyed_by_a_hash_and_holds_only_what_resuming_needs(
    kind: str, make_skill: MakeSkill, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    table = str(request.getfixturevalue("dynamodb_table")) if kind == "dynamodb" else None
    server = request.getfixturevalue("moto_server") if kind == "dynamodb" else None
    conversation = Conversation(make_skill(**({"TABLE_NAME": table} if table else {})))
    start_together(conversation)
    conversation.say("AMAZON.PauseIntent")

    [(key, attributes)] = stored_records(kind, tmp_path, table, server)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert attributes["disclaimer_heard"] is True
    progress = attributes["winddown"]
    assert set(progress) == {"minutes", "company", "step", "pace", "saved_at"}
    assert (progress["minutes"], progress["company"], progress["step"]) == (10, "together", 0)
    assert "with my partner" not in json.dumps(attributes)


def test_two_listeners_have_their_own_wind_downs(
    make_skill: MakeSkill, store_settings: dict[str, str]
) -> None:
    skill = make_skill(**store_settings)
    mine = Conversation(skill)
    start_together(mine)
    mine.say("AMAZON.StopIntent")
    theirs = Conversation(skill, session=Session(user_id="amzn1.ask.account.SOMEONE-ELSE"))
    assert said(theirs.say("ResumeWindDownIntent").text, "winddown_nothing_to_resume")
    assert said(mine.say("ResumeWindDownIntent").text, "winddown_resume_stored")


def test_an_unreachable_dynamodb_does_not_stop_the_wind_down(
    make_skill: MakeSkill, dynamodb_table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")
    conversation = Conversation(make_skill(TABLE_NAME=dynamodb_table))
    heard = conversation.say("StartWindDownIntent")
    assert said(heard.text, "winddown_prompt") and not heard.ends_session
    assert said(conversation.say("AMAZON.PauseIntent").text, "winddown_paused")


def test_the_profile_keeps_wind_down_progress_and_reads_it_defensively() -> None:
    kept = Profile(
        disclaimer_heard=True, winddown=Progress(10, "together", 1, 2), winddown_saved_at=9
    )
    assert Profile.from_attributes(kept.to_attributes()) == kept
    assert Profile().to_attributes() == {"disclaimer_heard": False}
    assert Profile.from_attributes({"winddown": {"minutes": 5}}).winddown is None
    paused = {**Progress(5, "alone").to_attributes(), "paused": True, "saved_at": "soon"}
    read = Profile.from_attributes({"winddown": paused})
    assert read.winddown == Progress(5, "alone") and read.winddown_saved_at == 0


def test_the_session_carries_the_wind_down_and_the_profile_it_read() -> None:
    state = SessionState(
        winddown=Progress(3, "alone", 1, 0, paused=True),
        stored=Profile(
            disclaimer_heard=True, winddown=Progress(3, "alone", 1), winddown_saved_at=5
        ),
    )
    assert SessionState.from_attributes(state.to_attributes()) == state
    broken = SessionState.from_attributes({"winddown": {"minutes": "five"}, "stored": "yes"})
    assert broken.winddown is None and broken.stored is None


def test_delete_my_data_and_disabling_the_skill_forget_the_listener_in_each_store(
    make_skill: MakeSkill, store_settings: dict[str, str]
) -> None:
    disclaimer = PHRASES["disclaimer"][0]
    # GIVEN a listener the store remembers (the disclaimer is said once)
    Conversation(make_skill(**store_settings)).launch()
    assert disclaimer not in Conversation(make_skill(**store_settings)).launch().text

    # WHEN they ask to be forgotten and confirm, THEN the next visit is a first visit
    asking = Conversation(make_skill(**store_settings))
    asking.say("DeleteDataIntent")
    assert asking.say("AMAZON.YesIntent").ends_session
    assert disclaimer in Conversation(make_skill(**store_settings)).launch().text

    # WHEN they disable the skill, THEN the same
    skill = make_skill(**store_settings)
    event = envelopes.request({"type": "AlexaSkillEvent.SkillDisabled", "body": {}})
    del event["session"]
    skill(event, None)
    assert disclaimer in Conversation(make_skill(**store_settings)).launch().text
