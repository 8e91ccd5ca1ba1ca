"""Long runs: random full conversations against DynamoDB (a moto server over HTTP).

Each conversation is one listener's random walk over every intent of the model (slots matched,
unmatched or missing), launches, sessions they end, silences (the reprompt goes unanswered, so
Alexa ends the session) and new sessions. Every turn must pass the guard with no error logged,
and after every turn the stored record must match a small model of what the conversation did:

- the disclaimer is spoken at a launch until it was heard once, and is stored as heard after
  any welcome or wind-down part;
- discreet mode is as last toggled;
- an unfinished wind-down is stored exactly as the session carries it, moves on a part when the
  listener falls silent after one, and is gone once finished or declined;
- after "delete my data" and "yes" nothing is stored until something is worth storing again;
- the session's copy of the record is the record.

``make test`` walks 100 conversations; ``CONVERSATIONS=1000 make test`` walks 1,000 (and
``CONVERSATION_SEED`` picks where the seeds start). A failure names its seed in the test id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from aftercare import winddown
from aftercare.config import Config
from aftercare.content import Library, find_content_dir
from aftercare.profile import Profile
from aftercare.skill import LambdaHandler, build_handler
from aftercare.winddown import Progress
from tests.dynamo import FAKE_CREDENTIALS, MotoServer
from tests.harness import Conversation, Heard, load_model, slot_of
from tools.envelopes import Session, Slot

CONTENT = Library(find_content_dir()).for_locale("en-US")
PHRASES = CONTENT.phrases
MODEL = load_model("en-US")
INTENTS = {intent["name"]: intent for intent in MODEL["intents"]}
TYPES = {declared["name"]: declared for declared in MODEL.get("types", [])}
INTENT_NAMES = " ".join(INTENTS).lower()
COUNT = int(os.environ.get("CONVERSATIONS", "100"))
FIRST_SEED = int(os.environ.get("CONVERSATION_SEED", "0"))
SECRET = "random-walks"
UNMATCHED = ["something else entirely", "my cat", "the weather tomorrow", "with everyone"]
DURATIONS = ["PT3M", "PT5M", "PT10M", "PT7M", "PT1H", "PT20S", "P1D", "PT", "soon"]
PART = re.compile(r'<prosody rate="\d+%" volume="[+-]\d+dB">')
"""Only a wind-down part speaks in sections of their own pace and volume."""
RESUME, CONTINUE, DELETE = "winddown_resume", "winddown_next", "delete_data"


@pytest.fixture(scope="module")
def walk_skill(moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One warm Lambda container on a DynamoDB table, for every walk; and a way to read it."""
    table = "walks-" + os.urandom(6).hex()
    moto_server.create_table(table)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_CREDENTIALS.items():
            patch.setenv(name, value)
        patch.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_server.endpoint)
        patch.delenv("AWS_PROFILE", raising=False)
        store = Path(tmp_path_factory.mktemp("unused")) / "store.sqlite3"
        settings = {"TABLE_NAME": table, "USER_KEY_SECRET": SECRET, "LOCAL_STORE_PATH": str(store)}
        yield build_handler(Config.from_env(settings)), Reader(moto_server.client(), table)


@dataclass
class Reader:
    client: Any
    table: str

    def item(self, user_id: str) -> dict[str, Any] | None:
        key = hmac.new(SECRET.encode(), user_id.encode(), hashlib.sha256).hexdigest()
        answer = self.client.get_item(
            TableName=self.table, Key={"user_key": {"S": key}}, ConsistentRead=True
        )
        item = answer.get("Item")
        return item if isinstance(item, dict) else None


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def said(heard: Heard, key: str) -> bool:
    return any(line in heard.text for line in PHRASES[key])


def progress_of(value: object) -> dict[str, Any] | None:
    """Wind-down progress without what only the session or the store adds (paused, saved_at)."""
    if not isinstance(value, Mapping):
        return None
    return {key: value[key] for key in ("minutes", "company", "step", "pace")}


@dataclass
class Expected:
    """What the store should hold for the listener, from what the conversation did."""

    exists: bool = False
    disclaimer: bool = False
    quiet: bool = False
    progress: dict[str, Any] | None = None

    def is_default(self) -> bool:
        return (self.disclaimer, self.quiet, self.progress) == (False, False, None)

    def after(self, move: Move, before: Mapping[str, Any], heard: Heard) -> Expected:
        """The model after one turn; raises AssertionError where what was heard contradicts it."""
        kept = heard.attributes if move.stays_open(heard) else {}
        expected = replace(self)
        if move.kind == "launch":
            assert said(heard, "disclaimer") is not self.disclaimer, "disclaimer once"
            assert (kept.get("offer") == RESUME) is (self.progress is not None), "resume offer"
        if move.kind == "launch" or move.intent in (
            "AMAZON.StartOverIntent",
            "AMAZON.NavigateHomeIntent",
        ):
            expected.disclaimer = True
        if move.intent in ("DiscreetOnIntent", "DiscreetOffIntent"):
            expected.quiet = move.intent == "DiscreetOnIntent"
        if move.intent == "AMAZON.YesIntent" and before.get("offer") == DELETE:
            assert said(heard, "deleted") and heard.ends_session, "deleted"
            return Expected()
        if PART.search(heard.ssml):
            expected.disclaimer = True
            expected.progress = None if heard.ends_session else progress_of(kept["winddown"])
        elif "winddown" in kept:
            expected.progress = progress_of(kept["winddown"])
        elif move.kind == "silence" and heard_to_the_end(before):
            going = Progress.from_attributes(before["winddown"])
            assert going is not None
            expected.progress = progress_of(
                winddown.next_step(CONTENT.winddown, going).to_attributes()
            )
        elif move.intent == "AMAZON.NoIntent" and before.get("offer") == RESUME:
            expected.progress = None
        expected.exists = self.exists or not expected.is_default()
        return expected

    def check(self, item: dict[str, Any] | None, move: Move, heard: Heard) -> None:
        if not self.exists:
            assert item is None, f"stored while nothing should be: {item}"
            return
        assert item is not None, "nothing stored"
        stored = json.loads(item["attributes"]["S"])
        assert stored["disclaimer_heard"] is self.disclaimer
        assert stored.get("quiet", False) is self.quiet
        assert progress_of(stored.get("winddown")) == self.progress
        assert Profile.from_attributes(stored).to_attributes() == stored
        if move.stays_open(heard) and "stored" in heard.attributes:
            # The session's copy is the record, fully written, at the record's stamp (a wind-down
            # saved again at the same part keeps the time it was first saved at).
            assert without_saved_at(heard.attributes["stored"]) == without_saved_at(stored)
            assert "unsaved" not in heard.attributes and "unread" not in heard.attributes
            assert heard.attributes["stored_at"] == int(item["written_at"]["N"])


def without_saved_at(profile: Mapping[str, Any]) -> dict[str, Any]:
    progress = progress_of(profile.get("winddown"))
    return {**profile, "winddown": progress} if progress else dict(profile)


def heard_to_the_end(before: Mapping[str, Any]) -> bool:
    """A part's closing prompt went unanswered: it was heard to its end."""
    going = before.get("winddown")
    return (
        isinstance(going, Mapping)
        and before.get("offer") == CONTINUE
        and going.get("paused") is not True
    )


@dataclass(frozen=True)
class Move:
    kind: str
    """launch, intent, end (the listener closed the session) or silence (no answer)."""
    intent: str | None = None
    slots: tuple[tuple[str, Slot | None], ...] = ()

    def stays_open(self, heard: Heard) -> bool:
        """Whether the session goes on after this move and its answer."""
        return self.kind in ("launch", "intent") and not heard.ends_session

    def __str__(self) -> str:
        said = ", ".join(f"{name}={slot.value if slot else None!r}" for name, slot in self.slots)
        return f"{self.kind} {self.intent or ''}({said})"


def slot_value(rng: random.Random, slot_type: str) -> Slot | None:
    roll = rng.random()
    if roll < 0.2:
        return None
    if slot_type == "AMAZON.DURATION":
        return Slot(rng.choice(DURATIONS), slot_type=slot_type)
    if roll < 0.35:
        return Slot(rng.choice(UNMATCHED), slot_type=slot_type)
    value = rng.choice(TYPES[slot_type]["values"])["name"]
    # Words that are also in an intent name (which is logged) would trip the check that no slot
    # text reaches the logs.
    spoken = [
        word
        for word in [value["value"], *value.get("synonyms", [])]
        if word.lower() not in INTENT_NAMES
    ]
    return slot_of(slot_type, rng.choice(spoken or UNMATCHED))


def choose(rng: random.Random, session: Session) -> Move:
    """The listener's next move; controls of what is going on come up more often."""
    attributes = session.attributes
    if not session.is_open and rng.random() < 0.6:
        return Move("launch")
    if session.is_open and rng.random() < 0.12:
        return Move(rng.choice(["end", "silence", "silence"]))
    weights = dict.fromkeys(INTENTS, 1.0)
    if "winddown" in attributes:
        weights.update({"AMAZON.NextIntent": 6, "AMAZON.YesIntent": 4, "AMAZON.PauseIntent": 2})
    if attributes.get("offer"):
        weights.update({"AMAZON.YesIntent": 6, "AMAZON.NoIntent": 3})
    if attributes.get("offer") == RESUME:
        weights["AMAZON.NoIntent"] = 6
    weights.update({"StartWindDownIntent": 3, "DeleteDataIntent": 2})
    name = rng.choices(list(weights), weights=list(weights.values()))[0]
    declared = INTENTS[name].get("slots", [])
    return Move(
        "intent", name, tuple((slot["name"], slot_value(rng, slot["type"])) for slot in declared)
    )


def play(conversation: Conversation, move: Move) -> Heard:
    if move.kind == "launch":
        return conversation.launch()
    if move.kind == "end":
        return conversation.end("USER_INITIATED")
    if move.kind == "silence":
        return conversation.end("EXCEEDED_MAX_REPROMPTS")
    assert move.intent is not None
    return conversation.say(move.intent, **dict(move.slots))


def walk(seed: int, skill: LambdaHandler, reader: Reader) -> list[str]:
    """One listener's random conversation; returns what happened, turn by turn."""
    rng = random.Random(seed)
    user_id = f"amzn1.ask.account.WALK-{seed}"
    conversation = Conversation(skill, session=Session(user_id=user_id))
    expected, transcript = Expected(), []
    for _ in range(rng.randint(6, 30)):
        move = choose(rng, conversation.session)
        before = dict(conversation.session.attributes) if conversation.session.is_open else {}
        heard = play(conversation, move)
        transcript.append(f"{move} -> {heard.text[:70]!r}{' [ends]' if heard.ends_session else ''}")
        try:
            expected = expected.after(move, before, heard)
            expected.check(reader.item(user_id), move, heard)
        except AssertionError as error:
            raise AssertionError(
                f"seed {seed}: {error}\n  " + "\n  ".join(transcript) + f"\n  model: {expected}"
            ) from error
    return transcript


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + COUNT))
def test_a_random_conversation_keeps_every_rule_and_stores_what_it_did(
    seed: int, walk_skill: tuple[LambdaHandler, Reader]
) -> None:
    skill, reader = walk_skill
    errors = Errors()
    logging.getLogger().addHandler(errors)
    try:
        transcript = walk(seed, skill, reader)
    finally:
        logging.getLogger().removeHandler(errors)
    assert errors.messages == [], f"seed {seed}: {errors.messages}\n" + "\n".join(transcript)


def test_tell_me_more_is_no_yes_to_deleting_everything(
    walk_skill: tuple[LambdaHandler, Reader],
) -> None:
    # Found by the walks: "tell me more" took any pending offer, deleting included.
    skill, reader = walk_skill
    user_id = "amzn1.ask.account.WALK-tell-me-more"
    conversation = Conversation(skill, session=Session(user_id=user_id))
    conversation.launch()
    # GIVEN the skill asked whether to delete everything
    asked = conversation.say("DeleteDataIntent")
    # WHEN the listener says "tell me more"
    heard = conversation.say("TellMeMoreIntent")
    # THEN they hear the question again, and nothing is deleted
    assert heard.text == asked.text and not heard.ends_session
    assert reader.item(user_id) is not None
    assert said(conversation.say("AMAZON.YesIntent"), "deleted")
    assert reader.item(user_id) is None
