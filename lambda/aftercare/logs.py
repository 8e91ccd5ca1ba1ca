"""Structured JSON logs: one line per request, and warnings or errors as they happen.

Log lines carry what an operator needs (request id, type, intent, locale, latency, outcome) and
never what identifies or quotes a listener: no user, device or person id, no access token, no slot
text. Callers pass only those safe fields; nothing here copies the request.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

REQUEST_FIELDS = ("request_id", "request_type", "intent", "locale", "latency_ms", "outcome")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info and record.exc_info[0] is not None:
            # The type and where it was raised; exception messages can quote request data.
            entry["error"] = record.exc_info[0].__name__
            entry["trace"] = self.formatException(record.exc_info).splitlines()[-3:-1]
        return json.dumps(entry, ensure_ascii=False)


class _SkillHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever stderr is now (tools and tests swap it), and marks the handler this
    module installs, so configuring twice adds nothing."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure(level: str, *, on_lambda: bool) -> None:
    """Write every log line as JSON to stderr (CloudWatch on Lambda).

    On Lambda the runtime's own plain-text handler is replaced; elsewhere other handlers (a test
    runner's capture, say) are left in place.
    """
    root = logging.getLogger()
    for existing in list(root.handlers):
        if on_lambda or isinstance(existing, _SkillHandler):
            root.removeHandler(existing)
    handler = _SkillHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    # Library chatter (boto's retries, the SDK's dispatch) stays out unless it is a warning.
    for noisy in ("botocore", "boto3", "urllib3", "ask_sdk_core", "ask_sdk_runtime"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
