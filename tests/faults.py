"""Failing dependencies for the tests: an HTTP proxy in front of the moto server that answers
DynamoDB calls with the faults AWS can give, and a clock for requests.

The skill reaches the proxy exactly as it reaches DynamoDB (``AWS_ENDPOINT_URL_DYNAMODB``), so
boto3's own timeouts, retries and error parsing are what is tested.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.harness import Conversation, Heard
from tools import envelopes

SLOW_S = 3.0
"""How long a slow answer takes: well past the skill's one-second read timeout."""


@dataclass(frozen=True)
class Fault:
    """How the proxy answers instead of DynamoDB: an error, or the real answer after a delay."""

    status: int = 400
    error: str | None = None
    """The ``__type`` DynamoDB puts in an error body, e.g. ``ThrottlingException``."""
    delay_s: float = 0.0


FAULTS = {
    "throttling": Fault(400, "ThrottlingException"),
    "throughput exceeded": Fault(400, "ProvisionedThroughputExceededException"),
    "internal error": Fault(500, "InternalServerError"),
    "unavailable": Fault(503, "ServiceUnavailable"),
    "slow answer": Fault(delay_s=SLOW_S),
    "access denied": Fault(400, "AccessDeniedException"),
    "missing table": Fault(400, "ResourceNotFoundException"),
}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        operation = (self.headers.get("X-Amz-Target") or "").rpartition(".")[2]
        proxy = self.server.proxy
        fault = proxy.fault_for(operation)
        if fault is not None and fault.delay_s:
            if proxy.stopping.wait(fault.delay_s):
                return
        elif fault is not None:
            self._answer(fault.status, _error_body(fault), {})
            return
        status, headers, answer = proxy.forward(self.path, dict(self.headers), body)
        self._answer(status, answer, headers)

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                    self.send_header(name, value)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up waiting (its read timeout): nothing to answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read what the proxy counted instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: FaultyProxy


def _error_body(fault: Fault) -> bytes:
    return json.dumps(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{fault.error}", "message": "injected"}
    ).encode()


@dataclass
class FaultyProxy:
    """Forwards to ``upstream`` (the moto server) unless a fault is set.

    ``fault`` applies to every call, or only to the operations in ``only`` (e.g. ``{"PutItem"}``);
    ``calls`` lists the operation of every call received, faulty or not.
    """

    upstream: str
    fault: Fault | None = None
    only: frozenset[str] | None = None
    calls: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event, init=False)
    _server: _Server | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() the proxy first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FaultyProxy:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.proxy = self
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def fault_for(self, operation: str) -> Fault | None:
        with self._lock:
            self.calls.append(operation)
            if self.fault is None or (self.only is not None and operation not in self.only):
                return None
            return self.fault

    @contextmanager
    def failing(self, fault: Fault, only: set[str] | None = None) -> Iterator[None]:
        """The fault while the block runs; healthy again after it."""
        self.fault, self.only = fault, frozenset(only) if only else None
        try:
            yield
        finally:
            self.fault, self.only = None, None

    def forward(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        try:
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


@dataclass
class Clock:
    """Request times that move on by ``step`` at every request, starting in the past (a request
    stamped in the future would count as now), in whole seconds as Alexa stamps them."""

    now: datetime = field(
        default_factory=lambda: datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    )
    step: timedelta = timedelta(seconds=10)

    def tick(self) -> datetime:
        self.now += self.step
        return self.now


@dataclass
class TimedConversation(Conversation):
    """A conversation whose requests carry the times of ``clock`` (shared between listeners'
    conversations to interleave them)."""

    clock: Clock = field(default_factory=Clock)

    def send(self, event: dict[str, Any]) -> Heard:
        event["request"]["timestamp"] = envelopes.timestamp_of(self.clock.tick())
        return super().send(event)
