"""A stand-in for AWS Lambda's Python runtime: run an unpacked artifact with nothing else around.

    python -I tools/lambda_runtime.py TASK_ROOT [--handler lambda_function.handler] < events

Like Lambda, it puts TASK_ROOT first on the import path and imports the handler once; then it
reads one request envelope per line on stdin and writes one JSON line per answer on stdout.
Started in isolated mode (``-I``) from a virtual environment with nothing installed, whatever the
artifact forgot to carry fails to import here as it would on Lambda.

Lines written: ``{"init_ms": ...}`` once the handler is imported; ``{"ms": ..., "response": ...}``
(or ``"error"``) per event; at the end of input ``{"peak_memory_kb": ..., "modules": {...}}``, every
module loaded from outside the standard library and the file it came from.

``LocalFunction`` is the other end: it starts this script on an artifact and is called like the
Lambda handler, so a ``tests.harness.Conversation`` can talk to the artifact, and it keeps the
timings and the peak memory for whoever measures.

Only the standard library is used: the script runs before, and apart from, anything installed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FUNCTION_NAME = "aftercare-local"


class Context:
    """The attributes of Lambda's context object that a handler may read."""

    function_name = FUNCTION_NAME
    function_version = "$LATEST"
    log_group_name = f"/aws/lambda/{FUNCTION_NAME}"

    def __init__(self, timeout_s: float) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:000000000000:function:{FUNCTION_NAME}"
        )
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def modules_from_outside_the_standard_library() -> dict[str, str]:
    standard = {str(Path(sysconfig.get_paths()[key]).resolve()) for key in ("stdlib", "platstdlib")}
    this_script = str(Path(__file__).resolve())
    found: dict[str, str] = {}
    for name, module in sorted(sys.modules.items()):
        location = getattr(module, "__file__", None)
        if not location:
            continue
        resolved = str(Path(location).resolve())
        if resolved != this_script and not any(
            resolved.startswith(folder + "/") for folder in standard
        ):
            found[name] = resolved
    return found


def peak_memory_kb() -> int:
    """This process's peak resident memory, which Lambda reports as "Max Memory Used".

    ``/proc/self/status`` counts this program alone; ``ru_maxrss`` (the fallback, off Linux) can
    include the peak of the process that started it.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("task_root", type=Path)
    parser.add_argument("--handler", default="lambda_function.handler")
    parser.add_argument("--timeout", type=float, default=7.0, help="seconds, as in template.yaml")
    options = parser.parse_args()

    module_name, _, attribute = options.handler.rpartition(".")
    started = time.perf_counter()
    sys.path.insert(0, str(options.task_root.resolve()))
    handler = getattr(importlib.import_module(module_name), attribute)
    _emit({"init_ms": round((time.perf_counter() - started) * 1000, 2)})

    for line in sys.stdin:
        if not line.strip():
            continue
        started = time.perf_counter()
        try:
            record: dict[str, Any] = {
                "response": handler(json.loads(line), Context(options.timeout))
            }
        except Exception as error:  # reported as Lambda reports an unhandled error
            record = {"error": f"{type(error).__name__}: {error}"}
        record["ms"] = round((time.perf_counter() - started) * 1000, 2)
        _emit(record)

    _emit(
        {
            "peak_memory_kb": peak_memory_kb(),
            "modules": modules_from_outside_the_standard_library(),
        }
    )
    return 0


def bare_python(folder: Path, python: Path) -> Path:
    """A virtual environment of ``python`` with nothing installed, not even pip; its interpreter."""
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder / "bin" / "python"


class LocalFunction:
    """The artifact at ``task_root``, running in this script under ``python``, called like the
    Lambda handler. ``environment`` is the whole environment the function sees; its log lines
    (stderr) go to the file ``log``."""

    def __init__(
        self,
        python: Path,
        task_root: Path,
        *,
        environment: Mapping[str, str],
        log: Path,
        handler: str = "lambda_function.handler",
    ) -> None:
        self.log = log
        with log.open("w") as stderr:
            self._process = subprocess.Popen(
                [str(python), "-I", __file__, str(task_root), "--handler", handler],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=dict(environment),
                text=True,
            )
        self.init_ms = float(self._read()["init_ms"])
        self.request_ms: list[float] = []
        self.errors: list[str] = []

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(timeout=10)
            last_words = self.log.read_text().strip().splitlines()[-3:]
            raise RuntimeError(
                f"the function stopped (exit code {self._process.returncode}): {last_words}"
            )
        record = json.loads(line)
        assert isinstance(record, dict)
        return record

    def __call__(self, event: dict[str, Any], context: object) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(event) + "\n")
        self._process.stdin.flush()
        record = self._read()
        self.request_ms.append(float(record["ms"]))
        if "error" in record:
            self.errors.append(str(record["error"]))
            raise RuntimeError(f"the function failed: {record['error']}")
        response = record["response"]
        assert isinstance(response, dict)
        return response

    def close(self) -> dict[str, Any]:
        """End the function; its peak memory and the modules it loaded from outside the stdlib."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            summary = self._read()
        finally:
            self._process.wait(timeout=30)
        return summary


if __name__ == "__main__":
    sys.exit(main())
