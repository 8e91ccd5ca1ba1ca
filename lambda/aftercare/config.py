"""All configuration, read once from the environment.

Deployers set these as SAM parameters (passed as environment variables); ``make chat`` uses the
defaults, which need no AWS account.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_LOCAL_SECRET = "local-development-only"


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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        on_lambda = "AWS_LAMBDA_FUNCTION_NAME" in env
        default_store = "/tmp/aftercare-store.sqlite3" if on_lambda else ".local/store.sqlite3"
        seed_text = env.get("AFTERCARE_SEED", "").strip()
        try:
            seed = int(seed_text) if seed_text else None
        except ValueError as error:
            raise ConfigError(
                f"AFTERCARE_SEED must be a whole number, not {seed_text!r}"
            ) from error
        secret = env.get("USER_KEY_SECRET", "") or _LOCAL_SECRET
        return cls(
            skill_id=env.get("SKILL_ID") or None,
            table_name=env.get("TABLE_NAME") or None,
            local_store_path=Path(env.get("LOCAL_STORE_PATH") or default_store),
            user_key_secret=secret.encode(),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            on_lambda=on_lambda,
            seed=seed,
        )
