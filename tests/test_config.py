"""Configuration: checked once at start-up, strict where a deployment would be unsafe."""

from __future__ import annotations

import pytest

from aftercare.config import Config, ConfigError

ON_LAMBDA = {"AWS_LAMBDA_FUNCTION_NAME": "aftercare"}
SAFE = {"SKILL_ID": "amzn1.ask.skill.x", "USER_KEY_SECRET": "a long deployment secret"}


def test_local_defaults_need_nothing() -> None:
    config = Config.from_env({})
    assert config.skill_id is None and config.table_name is None
    assert config.keep_for_seconds == 180 * 86_400


@pytest.mark.parametrize("missing", ["SKILL_ID", "USER_KEY_SECRET"])
def test_on_lambda_the_skill_id_and_the_hash_secret_are_required(missing: str) -> None:
    settings = {**ON_LAMBDA, **SAFE}
    del settings[missing]
    with pytest.raises(ConfigError, match=missing):
        Config.from_env(settings)
    assert Config.from_env({**ON_LAMBDA, **SAFE}).skill_id == SAFE["SKILL_ID"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("RECORD_TTL_DAYS", "0"), ("RECORD_TTL_DAYS", "soon"), ("AFTERCARE_SEED", "1.5")],
)
def test_numbers_that_make_no_sense_fail_at_start_up(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Config.from_env({name: value})


def test_records_are_kept_for_the_configured_days() -> None:
    assert Config.from_env({"RECORD_TTL_DAYS": "30"}).keep_for_seconds == 30 * 86_400
