"""The embedded store: one SQLite file, for local runs and for a deployment without DynamoDB."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from aftercare.persistence.keys import user_key

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    user_key TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    updated_at REAL NOT NULL,
    expires_at REAL
)
"""


class EmbeddedStore(AbstractPersistenceAdapter):
    def __init__(self, path: Path, secret: bytes, keep_for_seconds: int) -> None:
        self.path = path
        self.secret = secret
        self.keep_for_seconds = keep_for_seconds
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        # Opened on first use, not at import, so start-up does no I/O.
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=2.0, check_same_thread=False)
            connection.execute(_SCHEMA)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(profiles)")}
            if "expires_at" not in columns:  # a file from before records expired
                connection.execute("ALTER TABLE profiles ADD COLUMN expires_at REAL")
            connection.commit()
            self._connection = connection
        return self._connection

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope, self.secret)
        with self._lock, self._db() as db:
            # Records of listeners inactive for longer than the keeping period are deleted.
            db.execute("DELETE FROM profiles WHERE expires_at <= ?", (time.time(),))
            row = db.execute(
                "SELECT attributes FROM profiles WHERE user_key = ?", (key,)
            ).fetchone()
        if row is None:
            return {}
        value = json.loads(row[0])
        return value if isinstance(value, dict) else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        key = user_key(request_envelope, self.secret)
        now = time.time()
        with self._lock, self._db() as db:
            db.execute(
                "INSERT INTO profiles (user_key, attributes, updated_at, expires_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(user_key) DO UPDATE SET "
                "attributes = excluded.attributes, updated_at = excluded.updated_at, "
                "expires_at = excluded.expires_at",
                (
                    key,
                    json.dumps(attributes, separators=(",", ":")),
                    now,
                    now + self.keep_for_seconds,
                ),
            )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope, self.secret)
        with self._lock, self._db() as db:
            db.execute("DELETE FROM profiles WHERE user_key = ?", (key,))
