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
    updated_at REAL NOT NULL
)
"""


class EmbeddedStore(AbstractPersistenceAdapter):
    def __init__(self, path: Path, secret: bytes) -> None:
        self.path = path
        self.secret = secret
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        # Opened on first use, not at import, so start-up does no I/O.
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=2.0, check_same_thread=False)
            connection.execute(_SCHEMA)
            connection.commit()
            self._connection = connection
        return self._connection

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope, self.secret)
        with self._lock:
            row = (
                self._db()
                .execute("SELECT attributes FROM profiles WHERE user_key = ?", (key,))
                .fetchone()
            )
        if row is None:
            return {}
        value = json.loads(row[0])
        return value if isinstance(value, dict) else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        key = user_key(request_envelope, self.secret)
        with self._lock, self._db() as db:
            db.execute(
                "INSERT INTO profiles (user_key, attributes, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(user_key) DO UPDATE SET attributes = excluded.attributes, "
                "updated_at = excluded.updated_at",
                (key, json.dumps(attributes, separators=(",", ":")), time.time()),
            )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope, self.secret)
        with self._lock, self._db() as db:
            db.execute("DELETE FROM profiles WHERE user_key = ?", (key,))
