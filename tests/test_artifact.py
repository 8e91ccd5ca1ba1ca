"""The Lambda zip works on its own: unpacked into an empty folder and run by a Python 3.13 that has
nothing installed, it answers a conversation, with the embedded store and with DynamoDB.

The zip is built by the code ``make package`` and ``sam build`` run (tools/package.py), so a
dependency or a content file the artifact forgot fails here, not on Lambda.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from aftercare.content import Library, find_content_dir
from tests.dynamo import FAKE_CREDENTIALS, MotoServer
from tests.harness import Conversation
from tools import check_template, envelopes, package
from tools.lambda_runtime import LocalFunction, bare_python

CONTENT = Library(find_content_dir()).for_locale("en-US")
IDENTIFIERS = (
    envelopes.LOCAL_USER_ID,
    envelopes.LOCAL_DEVICE_ID,
    envelopes.LOCAL_PERSON_ID,
    envelopes.LOCAL_API_ACCESS_TOKEN,
)
OURS = {"lambda_function.py", "aftercare", "content", "__pycache__"}


@pytest.fixture(scope="module")
def runtime_python() -> Path:
    return package.find_runtime_python()


@pytest.fixture(scope="module")
def artifact_zip(tmp_path_factory: pytest.TempPathFactory, runtime_python: Path) -> Path:
    archive = tmp_path_factory.mktemp("dist") / "lambda.zip"
    package.build_zip(archive, python=runtime_python)
    return archive


@pytest.fixture(scope="module")
def task_root(tmp_path_factory: pytest.TempPathFactory, artifact_zip: Path) -> Path:
    """The zip unpacked into an empty folder, as Lambda unpacks it into /var/task."""
    root = tmp_path_factory.mktemp("lambda") / "task"
    with zipfile.ZipFile(artifact_zip) as bundle:
        bundle.extractall(root)
    return root


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory, runtime_python: Path) -> Path:
    return bare_python(tmp_path_factory.mktemp("bare") / "venv", runtime_python)


def files_of(root: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(root).as_posix(): (path.stat().st_mtime_ns, path.stat().st_size)
        for path in root.rglob("*")
        if path.is_file()
    }


def lambda_environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """What the function sees on Lambda, and nothing from this machine's environment."""
    return {
        "AWS_LAMBDA_FUNCTION_NAME": "aftercare-local",
        "LOCAL_STORE_PATH": str(tmp_path / "store.sqlite3"),
        "SKILL_ID": envelopes.LOCAL_SKILL_ID,
        "USER_KEY_SECRET": "artifact-test-secret-artifact-test-secret",
        "AFTERCARE_SEED": "7",
        **settings,
    }


def configured_memory_mb() -> int:
    memory = check_template.load()["Resources"]["SkillFunction"]["Properties"]["MemorySize"]
    assert isinstance(memory, int)
    return memory


def template_handler() -> str:
    handler = check_template.load()["Resources"]["SkillFunction"]["Properties"]["Handler"]
    assert isinstance(handler, str)
    return handler


def start(bare: Path, task_root: Path, environment: dict[str, str], log: Path) -> LocalFunction:
    return LocalFunction(
        bare, task_root, environment=environment, log=log, handler=template_handler()
    )


def assert_ran_only_from_the_artifact(summary: dict[str, Any], task_root: Path) -> None:
    outside = {
        name: path
        for name, path in summary["modules"].items()
        if not Path(path).is_relative_to(task_root.resolve())
    }
    assert outside == {}
    assert "aftercare.skill" in summary["modules"]


def assert_logs_hold_no_identifiers(log: Path) -> None:
    text = log.read_text()
    assert '"request_type": "LaunchRequest"' in text
    assert [identifier for identifier in IDENTIFIERS if identifier in text] == []


def disabled_event(conversation: Conversation) -> dict[str, Any]:
    event = envelopes.request(
        {
            "type": "AlexaSkillEvent.SkillDisabled",
            "eventCreationTime": envelopes.timestamp_of(),
            "eventPublishingTime": envelopes.timestamp_of(),
            "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
        },
        session=conversation.session,
    )
    del event["session"]
    return event


def test_the_zip_holds_code_content_pinned_dependencies_and_runtime_pycs(
    task_root: Path, runtime_python: Path
) -> None:
    assert package.problems(task_root, magic=package.runtime_magic(runtime_python)) == []
    from_distributions = {
        line.split(",", 1)[0].split("/", 1)[0]
        for record in task_root.glob("*.dist-info/RECORD")
        for line in record.read_text().splitlines()
        if line
    }
    unexpected = {entry.name for entry in task_root.iterdir()} - OURS - from_distributions
    assert unexpected == set()
    assert (task_root / "content" / "en" / "templates" / "welcome.ssml.j2").is_file()


def test_the_zip_is_within_lambdas_limits(artifact_zip: Path, task_root: Path) -> None:
    # 50 MB for a zip uploaded directly, 250 MB unzipped.
    assert artifact_zip.stat().st_size < 50_000_000
    assert sum(size for _, size in files_of(task_root).values()) < 250_000_000


def test_a_conversation_runs_from_the_unpacked_zip_in_a_python_with_nothing_installed(
    task_root: Path, bare: Path, tmp_path: Path
) -> None:
    before = files_of(task_root)
    function = start(bare, task_root, lambda_environment(tmp_path), tmp_path / "log.txt")
    conversation = Conversation(function)

    heard = conversation.launch()
    assert CONTENT.phrases["disclaimer"][0] in heard.text
    assert not heard.ends_session
    heard = conversation.say("WhatIsAftercareIntent")
    assert CONTENT.topic("what_is").answer[0] in heard.text
    heard = conversation.say("AMAZON.StopIntent")
    assert heard.ends_session
    assert heard.text in CONTENT.phrases["goodbye"]

    summary = function.close()
    assert function.errors == []
    assert_ran_only_from_the_artifact(summary, task_root)
    # Every module had a valid shipped .pyc: Python wrote nothing into the artifact.
    assert files_of(task_root) == before
    assert_logs_hold_no_identifiers(tmp_path / "log.txt")


def test_the_function_refuses_another_skill(task_root: Path, bare: Path, tmp_path: Path) -> None:
    environment = lambda_environment(tmp_path, SKILL_ID="amzn1.ask.skill.someone-else")
    function = start(bare, task_root, environment, tmp_path / "log.txt")
    with pytest.raises(RuntimeError, match="ForeignSkillError"):
        Conversation(function).launch()
    function.close()


def table_like_the_templates(server: MotoServer, name: str) -> Any:
    """A table with the key schema and billing of template.yaml's ProfilesTable; its client."""
    properties = check_template.load()["Resources"]["ProfilesTable"]["Properties"]
    client = server.client()
    client.create_table(
        TableName=name,
        KeySchema=properties["KeySchema"],
        AttributeDefinitions=properties["AttributeDefinitions"],
        BillingMode=properties["BillingMode"],
    )
    return client


def test_with_dynamodb_a_record_is_kept_recognised_and_deleted_in_a_table_like_the_templates(
    task_root: Path, bare: Path, tmp_path: Path, moto_server: MotoServer
) -> None:
    table = f"profiles-{tmp_path.name}"
    client = table_like_the_templates(moto_server, table)
    environment = lambda_environment(
        tmp_path,
        TABLE_NAME=table,
        AWS_ENDPOINT_URL_DYNAMODB=moto_server.endpoint,
        **FAKE_CREDENTIALS,
    )
    function = start(bare, task_root, environment, tmp_path / "log.txt")
    conversation = Conversation(function)

    conversation.launch()
    items = client.scan(TableName=table)["Items"]
    assert len(items) == 1
    key = items[0]["user_key"]["S"]
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert json.loads(items[0]["attributes"]["S"])["disclaimer_heard"] is True

    heard = conversation.launch()
    assert any(line in heard.text for line in CONTENT.phrases["welcome_back"])
    assert CONTENT.phrases["disclaimer"][0] not in heard.text

    heard = conversation.send(disabled_event(conversation))
    assert "outputSpeech" not in heard.response
    assert client.scan(TableName=table)["Items"] == []

    summary = function.close()
    assert function.errors == []
    assert_ran_only_from_the_artifact(summary, task_root)
    assert "botocore.client" in summary["modules"]
    # template.yaml sizes memory for CPU: the function itself should use under a quarter of it.
    assert summary["peak_memory_kb"] / 1024 < configured_memory_mb() / 4
    assert_logs_hold_no_identifiers(tmp_path / "log.txt")


def test_the_artifact_checks_find_what_would_break_the_function(
    tmp_path: Path, runtime_python: Path
) -> None:
    root = tmp_path / "artifact"
    (root / "aftercare").mkdir(parents=True)
    (root / "lambda_function.py").write_text("handler = None\n")
    (root / "aftercare" / "__init__.py").write_text("")
    (root / "native.cpython-313-x86_64-linux-gnu.so").write_bytes(b"\x7fELF" + bytes(16))
    (root / "bin").mkdir()
    (root / "extra-1.0.dist-info").mkdir()
    (root / "extra-1.0.dist-info" / "METADATA").write_text("Name: extra\nVersion: 1.0\n")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("jinja2==3.1.6\n")
    magic = package.runtime_magic(runtime_python)

    found = package.problems(root, magic=magic, requirements=requirements)

    assert "content/locales.toml is missing" in found
    assert "bin/ is left over from the build machine" in found
    assert "lambda_function.py has no .pyc" in found
    assert any(line.startswith("native.cpython-313-x86_64") for line in found)
    assert "extra 1.0 is installed but requirements.txt does not pin it" in found
    assert "jinja2 is pinned but not installed" in found
    subprocess.run(
        [str(runtime_python), "-m", "compileall", "-q", "--invalidation-mode", "timestamp", root],
        check=True,
    )
    found = package.problems(root, magic=magic, requirements=requirements)
    assert "lambda_function.py has a .pyc that is checked against the source" in " ".join(found)
