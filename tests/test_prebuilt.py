"""What the artifact builder prepares so a cold start has less to do: the content parsed into
``content/content.json``, the templates compiled to modules, botocore cut to DynamoDB's model; and
the checks that refuse an artifact missing any of them.

(tests/test_artifact.py builds the whole zip and runs conversations from it, DynamoDB included.)
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import ModuleLoader

from aftercare.content import SNAPSHOT, Library, read_data_files, write_snapshot
from aftercare.speech import COMPILED
from tests.test_templates import CONTENT_DIR
from tools import envelopes, package

PYTHON = Path(sys.executable)
MAGIC_OF_THIS_PYTHON = importlib.util.MAGIC_NUMBER


def test_the_snapshot_holds_exactly_what_the_toml_holds(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    write_snapshot(content)
    for toml in content.rglob("*.toml"):
        toml.unlink()
    assert read_data_files(content) == read_data_files(CONTENT_DIR)
    from_snapshot, from_toml = Library(content), Library(CONTENT_DIR)
    assert from_snapshot.locales == from_toml.locales
    for locale in from_toml.locales:
        read, parsed = from_snapshot.for_locale(locale), from_toml.for_locale(locale)
        for field in ("chain", "topics", "ideas", "phrases", "offers", "facts", "winddown"):
            assert getattr(read, field) == getattr(parsed, field), field
        assert read.therapy.directory == parsed.therapy.directory
        assert read.therapy.answers == parsed.therapy.answers
        assert read.therapy.pronunciations.said_as == parsed.therapy.pronunciations.said_as


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The skill's code as the artifact lays it out (dependencies aside), with .pyc files."""
    root = tmp_path_factory.mktemp("layout") / "task"
    root.mkdir()
    package.add_code(root, python=PYTHON)
    package.compile_bytecode(PYTHON, root)
    return root


def test_the_layout_carries_parsed_content_and_a_module_per_template(layout: Path) -> None:
    templates = sorted(CONTENT_DIR.rglob("*.j2"))
    compiled = sorted((layout / "content" / COMPILED).glob("tmpl_*.py"))
    assert len(compiled) == len(templates) > 10
    assert json.loads((layout / "content" / SNAPSHOT).read_text()) == read_data_files(CONTENT_DIR)
    assert package.problems(layout, magic=MAGIC_OF_THIS_PYTHON, requirements=no_pins(layout)) == []


def no_pins(root: Path) -> Path:
    requirements = root.parent / "requirements.txt"
    requirements.write_text("")
    return requirements


def test_the_checks_refuse_a_layout_missing_what_start_up_expects(
    layout: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "task"
    shutil.copytree(layout, broken)
    welcome = "en/templates/welcome.ssml.j2"
    module = ModuleLoader.get_module_filename(welcome)
    (broken / "content" / COMPILED / module).unlink()
    (broken / "content" / SNAPSHOT).unlink()
    (broken / "botocore" / "data" / "s3").mkdir(parents=True)

    found = package.problems(broken, magic=MAGIC_OF_THIS_PYTHON, requirements=no_pins(broken))

    assert f"content/{welcome} has no compiled module in content/{COMPILED}" in found
    assert "content/content.json is missing" in found
    assert any(line.startswith("botocore/data/dynamodb is missing") for line in found)


RUN = """
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
answer = lambda_function.handler(json.loads(sys.argv[2]), None)
print(json.dumps({
    "speech": answer["response"]["outputSpeech"]["ssml"],
    "tomllib": "tomllib" in sys.modules,
    "compiled": any(name.startswith("_jinja2_module_templates_") for name in sys.modules),
}))
"""


def test_the_layout_starts_from_compiled_templates_and_parsed_content(
    layout: Path, tmp_path: Path
) -> None:
    # As on Lambda: no local config file beside the code, none named in the environment.
    environment = {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith("AWS_") and key != "AFTERCARE_LOCAL_CONFIG"
        },
        "LOCAL_STORE_PATH": str(tmp_path / "store.sqlite3"),
        "LOG_LEVEL": "WARNING",
    }
    launch = json.dumps(envelopes.launch_request())
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(layout), launch],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    ran = json.loads(done.stdout)
    assert ran["compiled"]
    assert not ran["tomllib"]
    assert ran["speech"].startswith("<speak>")
