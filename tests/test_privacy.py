"""What is stored stays small, is keyed by a hash, and is deleted when the listener asks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aftercare.content import Library, find_content_dir
from aftercare.persistence import dynamodb
from aftercare.profile import Profile
from aftercare.winddown import Progress
from tests.conftest import MakeSkill
from tests.harness import Conversation, Heard
from tools import envelopes

PHRASES = Library(find_content_dir()).for_locale("en-US").phrases


def stored_rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return list(db.execute("SELECT user_key, attributes FROM profiles"))


def test_the_stored_key_is_a_keyed_hash_not_the_alexa_user_id(
    make_skill: MakeSkill, tmp_path: Path
) -> None:
    Conversation(make_skill(USER_KEY_SECRET="one secret")).launch()
    Conversation(make_skill(USER_KEY_SECRET="another secret")).launch()
    keys = [key for key, _ in stored_rows(tmp_path / "store.sqlite3")]
    assert len(keys) == 2 and len(set(keys)) == 2
    for key in keys:
        assert envelopes.LOCAL_USER_ID not in key
        assert len(key) == 64


def test_delete_my_data_asks_first_then_deletes(make_skill: MakeSkill, tmp_path: Path) -> None:
    # GIVEN a listener with a stored profile
    conversation = Conversation(make_skill())
    conversation.launch()
    assert stored_rows(tmp_path / "store.sqlite3")

    # WHEN they ask to be forgotten, nothing goes before they confirm
    heard = conversation.say("DeleteDataIntent")
    assert heard.text == PHRASES["delete_confirm"][0]
    assert stored_rows(tmp_path / "store.sqlite3")

    # THEN yes deletes it, and the next visit is a first visit again
    heard = conversation.say("AMAZON.YesIntent")
    assert heard.text == PHRASES["deleted"][0]
    assert heard.ends_session
    assert stored_rows(tmp_path / "store.sqlite3") == []
    assert PHRASES["disclaimer"][0] in conversation.launch().text


def test_no_keeps_everything(make_skill: MakeSkill, tmp_path: Path) -> None:
    conversation = Conversation(make_skill())
    conversation.launch()
    conversation.say("DeleteDataIntent")
    heard = conversation.say("AMAZON.NoIntent")
    assert heard.text == PHRASES["declined_delete_data"][0]
    assert stored_rows(tmp_path / "store.sqlite3")


def test_disabling_the_skill_deletes_the_record(make_skill: MakeSkill, tmp_path: Path) -> None:
    skill = make_skill()
    Conversation(skill).launch()
    event = envelopes.request(
        {
            "type": "AlexaSkillEvent.SkillDisabled",
            "eventCreationTime": "2026-11-28T00:00:00Z",
            "eventPublishingTime": "2026-11-28T00:00:01Z",
            "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
        }
    )
    del event["session"]
    heard = Heard(skill(event, None))
    assert "outputSpeech" not in heard.response
    assert stored_rows(tmp_path / "store.sqlite3") == []


def test_a_delete_the_store_cannot_do_is_said_truthfully(
    make_skill: MakeSkill, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    conversation = Conversation(make_skill(LOCAL_STORE_PATH=str(blocker / "store.sqlite3")))
    conversation.say("DeleteDataIntent")
    heard = conversation.say("AMAZON.YesIntent")
    assert heard.text == PHRASES["delete_failed"][0]
    assert not heard.ends_session


def test_privacy_md_names_every_field_that_is_stored() -> None:
    # GIVEN a profile with every field set, as the stores write it
    profile = Profile(
        disclaimer_heard=True,
        winddown=Progress(minutes=5, company="together", step=1, pace=1),
        winddown_saved_at=1,
        quiet=True,
    )
    stored = set(profile.to_attributes()) | {dynamodb.UPDATED_AT, dynamodb.EXPIRES_AT}
    policy = (Path(__file__).parents[1] / "PRIVACY.md").read_text()
    # THEN the privacy page lists each of them by name
    assert sorted(name for name in stored if f"`{name}`" not in policy) == []
    inner = set(profile.to_attributes()["winddown"])
    assert inner == {"minutes", "company", "step", "pace", "saved_at"}, "update PRIVACY.md"
