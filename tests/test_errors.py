"""When something goes wrong the listener hears a kind answer, and loses nothing."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from aftercare.content import Library, find_content_dir
from aftercare.handlers import learn
from aftercare.skill import ForeignSkillError, LambdaHandler
from tests.conftest import MakeSkill
from tests.harness import Conversation, Heard, slot_of
from tools import envelopes

PHRASES = Library(find_content_dir()).for_locale("en-US").phrases
APOLOGY = PHRASES["error"][0]


def test_a_failing_handler_gets_a_kind_apology_keeps_state_and_logs(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a conversation with state worth keeping
    conversation.launch()
    conversation.say("AftercareIdeaIntent")
    before = dict(conversation.session.attributes)

    # WHEN the next handler fails
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(learn, "topic_reply", broken)
    with caplog.at_level(logging.ERROR):
        heard = conversation.say("WhatIsAftercareIntent")

    # THEN the listener hears an apology, the session stays open with its state, and it is logged
    assert heard.text == APOLOGY
    assert heard.reprompt and not heard.ends_session
    assert dict(heard.attributes) == before
    assert any(record.exc_info for record in caplog.records)


@pytest.mark.parametrize(
    "event",
    [
        {"version": "1.0", "request": {"type": "IntentRequest", "intent": 7}},
        {"request": {"type": "LaunchRequest"}, "session": [1, 2]},
        {"request": {"type": "IntentRequest", "locale": "en-US"}, "context": "nonsense"},
    ],
)
def test_an_unreadable_voice_request_gets_the_apology_not_an_exception(
    skill: LambdaHandler, event: dict[str, object]
) -> None:
    heard = Heard(skill(event, None))
    assert heard.text == APOLOGY
    assert heard.reprompt


@pytest.mark.parametrize(
    "event",
    [{}, {"version": "1.0"}, {"request": "nonsense"}, {"request": {"type": "Some.Future.Event"}}],
)
def test_an_unreadable_non_voice_request_gets_an_empty_valid_response(
    skill: LambdaHandler, event: dict[str, object]
) -> None:
    answer = skill(event, None)
    assert answer["response"] == {}


@pytest.mark.parametrize(
    "spoken",
    ["fish & chips", "<speak>", "\"quoted\" 'single'", "🍵 tea 🍵", "a" * 5000, "]]>&amp;"],
)
def test_hostile_slot_values_are_answered(conversation: Conversation, spoken: str) -> None:
    heard = conversation.say("TopicIntent", topic=slot_of("AFTERCARE_TOPIC", spoken))
    assert PHRASES["unknown_topic"][0] in heard.text
    assert not heard.ends_session


def test_requests_from_another_skill_are_refused(make_skill: MakeSkill) -> None:
    skill = make_skill(SKILL_ID="amzn1.ask.skill.the-real-one")
    session = envelopes.Session(application_id="amzn1.ask.skill.someone-else")
    with pytest.raises(ForeignSkillError):
        skill(envelopes.launch_request(session=session), None)
    ours = envelopes.Session(application_id="amzn1.ask.skill.the-real-one")
    heard = Heard(skill(envelopes.launch_request(session=ours), None))
    assert heard.text and not heard.ends_session


def test_a_store_that_cannot_be_opened_does_not_stop_the_welcome(
    make_skill: MakeSkill, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    skill = make_skill(LOCAL_STORE_PATH=str(blocker / "store.sqlite3"))
    heard = Conversation(skill).launch()
    assert any(line in heard.text for line in PHRASES["offerings"])
    assert not heard.ends_session


def test_logs_are_json_lines(skill: LambdaHandler, capsys: pytest.CaptureFixture[str]) -> None:
    Conversation(skill).say("WhatIsAftercareIntent")
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]
    request = next(entry for entry in entries if entry["message"] == "request")
    assert request["intent"] == "WhatIsAftercareIntent"
    assert request["outcome"] == "ok"
    assert request["latency_ms"] >= 0
