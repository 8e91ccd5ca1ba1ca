"""The one timing test: a generous budget on start-up, to catch gross regressions only.

Start-up is importing ``lambda_function`` (which builds the skill: content, templates, the SDK
skill, primed). From a checkout, which compiles the templates and parses the TOML, it takes about
0.2 s on our machines; 3 s only fails when something heavy lands in the import path, such as
content read per request or templates compiled more than once. boto3 imported eagerly is caught
directly. Real figures come from ``make bench``, never from the test suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from aftercare.config import SETTINGS

BUDGET_SECONDS = 3.0
ATTEMPTS = 3
LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"


IMPORT = "import sys, lambda_function; print('boto3' in sys.modules)"


def seconds_to_import_the_handler(environment: dict[str, str]) -> float:
    """Wall time of a fresh interpreter that imports the Lambda handler and exits."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", IMPORT],
        cwd=LAMBDA_DIR,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    seconds = time.perf_counter() - started
    # With the embedded store, boto3 (about 0.1 s to import) has no business at start-up.
    assert done.stdout.strip() == "False", "importing lambda_function imported boto3"
    return seconds


def test_a_fresh_process_imports_the_handler_within_a_generous_budget(tmp_path: Path) -> None:
    # GIVEN the deployed defaults: the embedded store, no local config, no AWS settings
    empty_config = tmp_path / "local-config.toml"
    empty_config.write_text("", encoding="utf-8")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in SETTINGS and not key.startswith(("AWS_", "PYTHON"))
    }
    environment.update(
        LOCAL_STORE_PATH=str(tmp_path / "store.sqlite3"),
        LOG_LEVEL="WARNING",
        AFTERCARE_LOCAL_CONFIG=str(empty_config),
    )
    # WHEN a fresh interpreter imports the handler (best of a few: a busy machine can stall one)
    fastest = min(seconds_to_import_the_handler(environment) for _ in range(ATTEMPTS))
    # THEN it is ready well within the budget
    assert fastest < BUDGET_SECONDS, f"importing lambda_function took {fastest:.2f} s"
