"""All configuration, read once from the environment.

Deployers set these as SAM parameters (passed as environment variables); ``make chat`` uses the
defaults, which need no AWS account. For local runs the same settings may also sit in a TOML file,
``local-config.toml`` at the repository root or the file named by ``AFTERCARE_LOCAL_CONFIG``
(see ``local-config.example.toml``); environment variables win over it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aftercare.practice import SETTINGS as PRACTICE_SETTINGS
from aftercare.practice import Practice, PracticeError, practice_from

_LOCAL_SECRET = "local-development-only"
LOCAL_CONFIG_ENV = "AFTERCARE_LOCAL_CONFIG"
LOCAL_CONFIG_FILE = Path(__file__).resolve().parents[2] / "local-config.toml"
SETTINGS = (
    "SKILL_ID",
    "TABLE_NAME",
    "LOCAL_STORE_PATH",
    "USER_KEY_SECRET",
    "LOG_LEVEL",
    "AFTERCARE_SEED",
    "RECORD_TTL_DAYS",
    *PRACTICE_SETTINGS.values(),
)
"""Every setting, by its environment variable name; a local config file may hold any of them."""


class ConfigError(ValueError):
    """The configuration is unusable; raised at start-up, never during a conversation."""


@dataclass(frozen=True)
class Config:
    skill_id: str | None
    """When set, requests from any other skill are refused."""
    table_name: str | None
    """DynamoDB table for persistent attributes; the embedded store is used when unset."""
    local_store_path: Path
    """File of the embedded store."""
    user_key_secret: bytes
    """Secret for the keyed hash that turns an Alexa user id into a storage key."""
    log_level: str
    on_lambda: bool
    seed: int | None
    """Seeds the choice of phrasings, so tests and demos can be repeated."""
    keep_for_seconds: int = 180 * 86_400
    """A listener's record is deleted after this long without a visit (RECORD_TTL_DAYS)."""
    practice: Practice | None = None
    """The deployer's own contact, offered after the directory answer; None when not set."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """The configuration from ``environ`` (default: the process environment).

        An explicit ``environ`` is the whole environment: the repository's local-config.toml is
        only looked for when reading the process environment, so tests are not affected by a
        developer's file (they name one with AFTERCARE_LOCAL_CONFIG instead).
        """
        process_env = os.environ if environ is None else environ
        on_lambda = "AWS_LAMBDA_FUNCTION_NAME" in process_env
        default_file = LOCAL_CONFIG_FILE if environ is None and not on_lambda else None
        env = {**_local_settings(process_env, default_file), **_non_empty(process_env)}
        default_store = "/tmp/aftercare-store.sqlite3" if on_lambda else ".local/store.sqlite3"
        seed = _whole_number(env, "AFTERCARE_SEED", low=None)
        ttl_days = _whole_number(env, "RECORD_TTL_DAYS", low=1)
        if on_lambda:
            # A deployment without these would answer any skill, or key records with a secret
            # published in this repository: refuse to start instead.
            missing = [name for name in ("SKILL_ID", "USER_KEY_SECRET") if not env.get(name)]
            if missing:
                raise ConfigError(f"on Lambda, {' and '.join(missing)} must be set")
        secret = env.get("USER_KEY_SECRET", "") or _LOCAL_SECRET
        return cls(
            skill_id=env.get("SKILL_ID") or None,
            table_name=env.get("TABLE_NAME") or None,
            local_store_path=Path(env.get("LOCAL_STORE_PATH") or default_store),
            user_key_secret=secret.encode(),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            on_lambda=on_lambda,
            seed=seed,
            keep_for_seconds=(ttl_days or 180) * 86_400,
            practice=_practice(env),
        )


def _whole_number(env: Mapping[str, str], name: str, low: int | None) -> int | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {text!r}") from error
    if low is not None and value < low:
        raise ConfigError(f"{name} must be at least {low}, not {value}")
    return value


def _non_empty(environ: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in environ.items() if value.strip()}


def _practice(env: Mapping[str, str]) -> Practice | None:
    try:
        return practice_from(env)
    except PracticeError as error:
        raise ConfigError(str(error)) from error


def _local_settings(environ: Mapping[str, str], default_file: Path | None) -> dict[str, str]:
    """Settings from the local config file: the one named in the environment, else the default."""
    named = environ.get(LOCAL_CONFIG_ENV, "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(f"{LOCAL_CONFIG_ENV} names {named!r}, which is not a file")
    elif default_file is not None and default_file.is_file():
        path = default_file
    else:
        return {}
    # Imported here: only local runs have a config file, so Lambda's start-up never needs it.
    import tomllib

    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} could not be read as TOML: {error}") from error
    unknown = sorted(set(data) - set(SETTINGS))
    if unknown:
        raise ConfigError(f"{path} has unknown settings {unknown}; known: {list(SETTINGS)}")
    not_text = sorted(key for key, value in data.items() if not isinstance(value, str))
    if not_text:
        raise ConfigError(f"{path}: put {not_text} in quotes; every setting is text")
    return {key: value for key, value in data.items() if value.strip()}
