"""What both stores read and write: a listener's attributes with the stamp of the write that
made them, and the rule that keeps an older write from overwriting a newer one.

Every write is stamped ``written_at``: the request's timestamp in milliseconds (Alexa's clock,
so requests from different devices and Lambda containers compare). A write is refused when the
record holds a newer stamp. A write may also name the stamp it was based on (a ``Record`` read,
changed and written back): it is then refused too when anyone wrote in between, so the caller can
merge its own change into what is stored rather than overwrite it. A refused write raises
``StaleWrite`` carrying the record as it now is.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ask_sdk_model import RequestEnvelope

log = logging.getLogger(__name__)

FUTURE_TOLERANCE_MS = 5_000
"""A request stamped later than this ahead of our clock counts as now: one bad timestamp must
not make every later write look older than it."""


class Record(dict[str, Any]):
    """A listener's stored attributes, and ``written_at``: the stamp of the write that made them
    (0 when nothing is stored, or the record predates stamped writes)."""

    def __init__(self, attributes: Mapping[str, Any] | None = None, written_at: int = 0) -> None:
        super().__init__(attributes or {})
        self.written_at = written_at


class StaleWrite(Exception):  # noqa: N818  # not an error: the newer record wins
    """The write was refused: the stored record is newer, or changed since it was read."""

    def __init__(self, current: Record) -> None:
        super().__init__("the stored record is newer than this write")
        self.current = current


def decoded(text: str) -> dict[str, Any]:
    """Stored attributes from their JSON text; a record that cannot be read counts as empty, so
    the next write replaces it instead of every read failing until it expires."""
    try:
        value = json.loads(text)
    except ValueError:
        log.warning("a stored record could not be decoded; it reads as empty")
        return {}
    return value if isinstance(value, dict) else {}


def stamp_of(envelope: RequestEnvelope) -> int:
    """The request's timestamp in milliseconds since 1970; our clock when it has none."""
    now = int(time.time() * 1000)
    moment = getattr(envelope.request, "timestamp", None)
    if not isinstance(moment, datetime):
        return now
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return min(int(aware.timestamp() * 1000), now + FUTURE_TOLERANCE_MS)


def based_on(attributes: Mapping[str, Any]) -> int | None:
    """The stamp a write was based on; None for plain attributes, which are only ordered."""
    return attributes.written_at if isinstance(attributes, Record) else None


def failure_name(error: BaseException) -> str:
    """A short, loggable name for a store failure: the service's error code (e.g.
    ``ThrottlingException``) or the exception's class. Never its message, which can quote the
    request."""
    response = getattr(error, "response", None)
    details = response.get("Error") if isinstance(response, Mapping) else None
    code = details.get("Code") if isinstance(details, Mapping) else None
    if isinstance(code, str) and re.fullmatch(r"[A-Za-z0-9_.]{1,64}", code):
        return code
    return type(error).__name__
