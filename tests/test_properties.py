"""Whatever Alexa sends, the skill answers validly and never needs its last-resort guard.

Hypothesis generates request envelopes: every request type the skill can get and unknown ones,
every intent of the model (and unknown ones) with random, missing, unmatched and hostile slot
values, odd locales, requests outside a session, and session attributes of the wrong type or
from an older version. The default profile runs a few hundred examples; the big one runs 10,000:
``HYPOTHESIS_PROFILE=big make test`` (see README).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare import guard
from aftercare.config import Config
from aftercare.skill import LambdaHandler, build_handler
from tests.harness import load_model
from tools import envelopes
from tools.envelopes import Session, Slot

MODEL = load_model("en-US")
INTENTS = {intent["name"]: intent for intent in MODEL["intents"]}
TYPES = {declared["name"]: declared for declared in MODEL.get("types", [])}
REQUEST_TYPES = [
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "CanFulfillIntentRequest",
    "System.ExceptionEncountered",
    "AlexaSkillEvent.SkillEnabled",
    "AlexaSkillEvent.SkillDisabled",
    "Alexa.Presentation.APL.UserEvent",
    "Some.Future.Request",
]
RARELY = st.sampled_from([False] * 9 + [True])
"""True about one time in ten: for what makes the whole request unreadable."""
LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"]
ODD_TIMES = ["1970-01-01T00:00:00Z", "2999-12-31T23:59:59Z", "2026-02-30T25:00:00Z", "soon", ""]
HOSTILE = st.sampled_from(
    ["&", "<speak>", "</s>", '"', "'", "🙂🌙", "]]>", "&amp;", "<break time='99s'/>", "x" * 3000]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=200))
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
# Session attributes as this skill writes them, with every value possibly of the wrong type.
OUR_KEYS = [
    "v",
    "topic",
    "depth",
    "offer",
    "asked_what_else",
    "ideas_heard",
    "last",
    "winddown",
    "stored",
    "stored_at",
    "unsaved",
    "unread",
    "store_failed_at",
]
OFFERS = [
    "what_is",
    "physical",
    "idea",
    "winddown",
    "winddown_next",
    "winddown_resume",
    "therapist",
    "grounding",
    "delete_data",
]
# Numbers around every limit: negative, zero, the script's lengths, past any part or pace, and
# stamps in milliseconds (now, far future, beyond 64 bits).
NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=50),
    st.sampled_from([3, 5, 10, 99, 1000, 1_700_000_000_000, 10**15, 2**63, -(2**63)]),
)
PROGRESS = st.fixed_dictionaries(
    {},
    optional={
        "minutes": st.one_of(NUMBERS, st.sampled_from(["5", "PT5M", None])),
        "company": st.sampled_from(["alone", "together", "cat", "", None, 1]),
        "step": st.one_of(NUMBERS, st.just("1")),
        "pace": st.one_of(NUMBERS, st.just(True)),
        "paused": st.sampled_from([True, False, "yes", None]),
        "saved_at": st.one_of(NUMBERS, st.just("yesterday")),
    },
)
"""Wind-down progress: valid, out of range, or of the wrong type."""
STORED = st.fixed_dictionaries(
    {},
    optional={
        "disclaimer_heard": st.sampled_from([True, False, "no", None, 1]),
        "quiet": st.sampled_from([True, False, "yes", None]),
        "winddown": st.one_of(PROGRESS, JSONISH),
    },
)
"""The session's copy of the stored profile, of any shape."""
OLDER_VERSIONS = st.sampled_from(
    [
        {"v": 0, "topic": "what_is", "winddown": {"minutes": "5"}},
        {"v": 0, "topic": "physical", "depth": "1", "offer": "idea", "last": "Hello"},
        {"v": 0, "winddown": {"minutes": 5, "company": "alone", "part": 2}},
        {"v": 1, "winddown": {"minutes": 10, "company": "together", "step": 7, "pace": 4}},
        {"v": 1, "stored": {"disclaimer_heard": True, "winddown": {"minutes": 5}}},
        {"v": 1, "stored": {"disclaimer_heard": True}, "unsaved": ["quiet", "topic"]},
        {"v": 1, "stored": {"quiet": True}, "unread": True, "store_failed_at": 10**15},
        {"v": 2, "stored": [], "stored_at": -1, "unsaved": "quiet", "mood": "calm"},
    ]
)
"""Plausible session attributes from earlier (or later) versions of the skill."""


@st.composite
def session_attributes(draw: st.DrawFn) -> dict[str, Any]:
    shape = draw(st.sampled_from(["random", "ours", "older"]))
    if shape == "older":
        return dict(draw(OLDER_VERSIONS))
    keys = draw(st.lists(st.sampled_from(OUR_KEYS) | st.text(max_size=10), max_size=8))
    values = st.one_of(
        JSONISH,
        st.sampled_from(OFFERS),
        NUMBERS,
        st.lists(st.sampled_from(["quiet", "winddown", "disclaimer_heard", "x"]), max_size=4),
    )
    if shape == "random":
        return {key: draw(values) for key in keys}
    # Close to what the skill writes: each key with a value of its own kind, mostly.
    own = {"winddown": PROGRESS, "stored": STORED, "offer": st.sampled_from(OFFERS)}
    return {key: draw(st.one_of(own.get(key, values), values)) for key in keys}


@st.composite
def slot(draw: st.DrawFn, slot_type: str) -> Slot | None:
    kind = draw(st.sampled_from(["missing", "match", "no_match", "hostile", "raw"]))
    if kind == "missing":
        return None
    values = TYPES.get(slot_type, {}).get("values", [])
    if kind == "match" and values:
        value = draw(st.sampled_from(values))
        return Slot(value["name"]["value"], value.get("id"), value["name"]["value"], slot_type)
    spoken = draw(TEXT.filter(bool) if kind != "hostile" else HOSTILE)
    custom = slot_type in TYPES
    return Slot(spoken, slot_type=slot_type if custom else None)


@st.composite
def envelope(draw: st.DrawFn) -> dict[str, Any]:
    request_type = draw(st.sampled_from(REQUEST_TYPES))
    in_session = draw(st.booleans()) or request_type in {"LaunchRequest", "IntentRequest"}
    session = Session(
        attributes=draw(session_attributes()) if in_session else {},
        new=draw(st.booleans()),
    )
    locale = draw(st.sampled_from([*LOCALES, "de-DE", "", "xx", "en", "EN-us"]))
    body: dict[str, Any] = {"type": request_type}
    if request_type == "IntentRequest":
        name = draw(st.sampled_from([*INTENTS, "UnknownIntent", "AMAZON.PauseIntent"]))
        declared = INTENTS.get(name, {}).get("slots", [])
        slots = {s["name"]: draw(slot(s["type"])) for s in declared}
        event = envelopes.intent_request(name, slots or None, session=session, locale=locale)
    else:
        if request_type == "SessionEndedRequest":
            body["reason"] = draw(
                st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])
            )
        event = envelopes.request(body, session=session, locale=locale)
    if not in_session:
        del event["session"]
    elif draw(RARELY):
        event["session"]["attributes"] = draw(
            JSONISH.filter(lambda value: not isinstance(value, dict))
        )
    if draw(st.booleans()):
        del event["request"]["locale"]
    # Writes are ordered by the request's time: a missing, ancient, future or unreadable one.
    when = draw(st.sampled_from(["now"] * 10 + ["missing", *ODD_TIMES]))
    if when == "missing":
        del event["request"]["timestamp"]
    elif when != "now":
        event["request"]["timestamp"] = when
    return event


@pytest.fixture(scope="module")
def property_skill(tmp_path_factory: pytest.TempPathFactory) -> LambdaHandler:
    store = Path(tmp_path_factory.mktemp("store")) / "store.sqlite3"
    return build_handler(Config.from_env({"LOCAL_STORE_PATH": str(store)}))


class _Failures(logging.Handler):
    """Counts the skill's own error lines: a handler that failed, or a response it had to guard."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(event=envelope())
def test_every_request_gets_a_valid_answer_without_the_last_resort(
    property_skill: LambdaHandler, event: dict[str, Any]
) -> None:
    failures = _Failures()
    logging.getLogger().addHandler(failures)
    try:
        answer = property_skill(event, None)
    finally:
        logging.getLogger().removeHandler(failures)
    assert guard.problems(answer, event["request"]["type"]) == []
    assert failures.messages == []
    response = answer.get("response") or {}
    if "session" not in event or event["request"]["type"] == "SessionEndedRequest":
        return
    if response.get("shouldEndSession") is False:
        assert response.get("reprompt")
