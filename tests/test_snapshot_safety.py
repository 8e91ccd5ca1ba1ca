"""Copies of one started process choose their phrasings apart.

With Lambda SnapStart, many execution environments resume from one snapshot of the initialised
process; anything random kept in memory at start-up is then the same in all of them. A forked
process is that situation in miniature: after start-up the process forks, and each copy answers
the same requests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
REPO = LAMBDA_DIR.parent

FORKED = """
import json, os, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import lambda_function
from tools import envelopes

def ideas():
    said = []
    for _ in range(12):
        answer = lambda_function.handler(envelopes.intent_request("AftercareIdeaIntent"), None)
        said.append(answer["response"]["outputSpeech"]["ssml"])
    return said

copies = []
for _ in range(2):
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        with os.fdopen(write, "w") as out:
            json.dump(ideas(), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answers:
        copies.append(json.load(answers))
    os.wait()
print(json.dumps(copies))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_copies_of_a_started_process_do_not_say_the_same_things(tmp_path: Path) -> None:
    # GIVEN a started skill with no seed, as deployed
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("AWS_")},
        "LOCAL_STORE_PATH": str(tmp_path / "store.sqlite3"),
        "LOG_LEVEL": "WARNING",
        "AFTERCARE_LOCAL_CONFIG": str(tmp_path / "none.toml"),
    }
    environment.pop("AFTERCARE_SEED", None)
    (tmp_path / "none.toml").write_text("")
    # WHEN two copies of it each hear "give me an idea" twelve times
    done = subprocess.run(
        [sys.executable, "-c", FORKED, str(LAMBDA_DIR), str(REPO)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    first, second = json.loads(done.stdout)
    # THEN they chose for themselves (the same twelve ideas in the same order would be a shared
    # random state; by chance, about one in 10^14)
    assert len(first) == len(second) == 12
    assert first != second
