"""Fixtures: a real skill (the Lambda handler) on a fresh embedded store for every test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aftercare.config import Config
from aftercare.skill import LambdaHandler, build_handler
from tests.harness import Conversation

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
