"""The embedded store: one SQLite file, for local runs and for a deployment without DynamoDB.

Writes follow the same order as DynamoDB's (``aftercare.persistence.records``): an older write
never overwrites a newer one.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from aftercare.persistence.keys import user_key
from aftercare.persistence.records import Record, StaleWrite, based_on, decoded, stamp_of

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    user_key TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    updated_at REAL NOT NULL,
    expires_at REAL,
    written_at INTEGER
)
"""
_ADDED_COLUMNS = {"expires_at": "REAL", "written_at": "INTEGER"}
"""Columns a file from an earlier version may lack."""

_SET = (
    "attributes = excluded.attributes, updated_at = excluded.updated_at, "
    "expires_at = excluded.expires_at, written_at = excluded.written_at"
)
_UPSERT = (
    "INSERT INTO profiles (user_key, attributes, updated_at, expires_at, written_at) "
    f"VALUES (:key, :attributes, :now, :expires, :stamp) ON CONFLICT(user_key) DO UPDATE SET {_SET}"
)
_WRITES = {
    # Plain attributes: written unless a newer record is stored.
    "ordered": (
        f"{_UPSERT} WHERE profiles.written_at IS NULL OR profiles.written_at <= excluded.written_at"
    ),
    # A record read when none was stored (or one from before stamps): only if that still holds.
    "new": f"{_UPSERT} WHERE profiles.written_at IS NULL",
    # A record read with a stamp: only if nobody wrote since, and this request is not older.
    "based": (
        "UPDATE profiles SET attributes = :attributes, updated_at = :now, "
        "expires_at = :expires, written_at = :stamp "
        "WHERE user_key = :key AND written_at = :base AND written_at <= :stamp"
    ),
}


class EmbeddedStore(AbstractPersistenceAdapter):
    def __init__(self, path: Path, secret: bytes, keep_for_seconds: int) -> None:
        self.path = path
        self.secret = secret
        self.keep_for_seconds = keep_for_seconds
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def connect(self) -> None:
        """Open (and if need be create) the file at start-up, so no listener waits for it.

        A file that cannot be opened is logged and tried again on first use; start-up goes on.
        """
        try:
            self._db()
        except (OSError, sqlite3.Error) as error:
            log.warning("embedded store not ready at start-up: %s", type(error).__name__)

    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=2.0, check_same_thread=False)
            # Write-ahead logging with NORMAL sync: a commit no longer waits for the disk, which
            # was most of a first request's time; only a power cut could lose the last write.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(_SCHEMA)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(profiles)")}
            for name, kind in _ADDED_COLUMNS.items():
                if name not in columns:
                    connection.execute(f"ALTER TABLE profiles ADD COLUMN {name} {kind}")
            connection.commit()
            self._connection = connection
        return self._connection

    def _read(self, db: sqlite3.Connection, key: str) -> Record:
        # Records of listeners inactive for longer than the keeping period are deleted.
        db.execute("DELETE FROM profiles WHERE expires_at <= ?", (time.time(),))
        row = db.execute(
            "SELECT attributes, written_at FROM profiles WHERE user_key = ?", (key,)
        ).fetchone()
        if row is None:
            return Record()
        return Record(decoded(row[0]), row[1] or 0)

    def get_attributes(self, request_envelope: RequestEnvelope) -> Record:
        key = user_key(request_envelope, self.secret)
        with self._lock, self._db() as db:
            return self._read(db, key)

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Write the record unless a newer one is stored (or, for a ``Record``, unless the
        record changed since it was read); then raise ``StaleWrite`` with the stored one."""
        key = user_key(request_envelope, self.secret)
        base = based_on(attributes)
        now = time.time()
        kind = "ordered" if base is None else "new" if base == 0 else "based"
        values = {
            "key": key,
            "attributes": json.dumps(attributes, separators=(",", ":")),
            "now": now,
            "expires": now + self.keep_for_seconds,
            "stamp": stamp_of(request_envelope),
            "base": base,
        }
        with self._lock, self._db() as db:
            if db.execute(_WRITES[kind], values).rowcount == 0:
                raise StaleWrite(self._read(db, key))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope, self.secret)
        with self._lock, self._db() as db:
            db.execute("DELETE FROM profiles WHERE user_key = ?", (key,))
