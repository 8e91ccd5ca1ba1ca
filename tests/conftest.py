"""Fixtures: a real skill (the Lambda handler) on a fresh embedded store for every test."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from aftercare.config import Config
from aftercare.logs import JsonFormatter
from aftercare.skill import LambdaHandler, build_handler
from tests import harness
from tests.dynamo import FAKE_CREDENTIALS, MotoServer
from tests.faults import FaultyProxy
from tests.harness import Conversation
from tools import envelopes

# Property tests: a few hundred examples by default; HYPOTHESIS_PROFILE=big runs 10,000.
settings.register_profile("default", max_examples=300, deadline=None)
settings.register_profile("big", max_examples=10_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

IDENTIFIERS = (
    envelopes.LOCAL_USER_ID,
    envelopes.LOCAL_DEVICE_ID,
    envelopes.LOCAL_PERSON_ID,
    envelopes.LOCAL_API_ACCESS_TOKEN,
)

MakeSkill = Callable[..., LambdaHandler]


@pytest.fixture
def make_skill(tmp_path: Path) -> MakeSkill:
    """Build the Lambda handler with configuration overrides, e.g. ``make_skill(SKILL_ID="x")``."""

    def make(**environment: str) -> LambdaHandler:
        settings = {
            "LOCAL_STORE_PATH": str(tmp_path / "store.sqlite3"),
            "AFTERCARE_SEED": "7",
            **environment,
        }
        return build_handler(Config.from_env(settings))

    return make


@pytest.fixture
def skill(make_skill: MakeSkill) -> LambdaHandler:
    return make_skill()


@pytest.fixture
def conversation(skill: LambdaHandler) -> Conversation:
    return Conversation(skill)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One DynamoDB-speaking server (moto, over HTTP) for the whole test run."""
    server = MotoServer.start()
    try:
        yield server
    finally:
        server.stop()


STORES = ["embedded", "dynamodb"]


@pytest.fixture(params=STORES)
def store_settings(request: pytest.FixtureRequest) -> dict[str, str]:
    """The configuration of each store: nothing for the embedded default, a table for DynamoDB
    (``make_skill(**store_settings)`` runs a test against both)."""
    if request.param == "dynamodb":
        return {"TABLE_NAME": str(request.getfixturevalue("dynamodb_table"))}
    return {}


@pytest.fixture
def dynamodb_table(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh table on the moto server, and the environment a deployment would have for it
    (``make_skill(TABLE_NAME=dynamodb_table)`` then stores profiles there)."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_server.endpoint)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    table = f"aftercare-{uuid.uuid4().hex[:12]}"
    moto_server.create_table(table)
    return table


@pytest.fixture
def faulty_proxy(
    moto_server: MotoServer, dynamodb_table: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FaultyProxy]:
    """The ``dynamodb_table`` environment, but reaching the moto server through a proxy that
    injects faults on demand (``with faulty_proxy.failing(FAULTS["throttling"]): ...``)."""
    proxy = FaultyProxy(moto_server.endpoint).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.endpoint)
    try:
        yield proxy
    finally:
        proxy.stop()


class _LogLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _distinctive(value: str) -> bool:
    # Short or one-letter values ("a" * 5000) could match an id or a word by chance.
    return len(value) >= 6 and len(set(value)) > 2


@pytest.fixture(autouse=True)
def logs_carry_no_identifiers_or_slot_text() -> Iterator[None]:
    """Every test's log lines, as the skill writes them, hold no id, token or slot text."""
    capture = _LogLines()
    root = logging.getLogger()
    root.addHandler(capture)
    harness.SLOT_VALUES_SENT.clear()
    try:
        yield
    finally:
        root.removeHandler(capture)
    secrets = [*IDENTIFIERS, *filter(_distinctive, harness.SLOT_VALUES_SENT)]
    for line in capture.lines:
        leaked = [secret for secret in secrets if secret.lower() in line.lower()]
        assert not leaked, f"a log line carries {leaked}: {line}"
