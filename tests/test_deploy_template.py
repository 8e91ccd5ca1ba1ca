"""template.yaml deploys what the code needs and nothing more, checked offline.

The template is expanded by the SAM translator (as CloudFormation's transform will) and linted by
cfn-lint; its IAM is held to named actions on the stack's own resources; and its parts are held
to the code: the table to the store's key, the role to the store's calls, the environment to the
settings the code reads, the runtime and architecture to what tools/package.py builds for.
"""

from __future__ import annotations

import ast
import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from aftercare import config, practice
from aftercare.persistence import dynamodb
from tools import check_template, package

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = check_template.load()
EXPANDED = check_template.expand(TEMPLATE)
TTL_ATTRIBUTE = "expires_at"
TTL_SETTING = "RECORD_TTL_DAYS"
LOCAL_ONLY_SETTINGS = {"LOCAL_STORE_PATH", "AFTERCARE_SEED"}
"""Settings for running on a developer's machine; a deployment never sets them."""


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res["Type"] == kind}


def the(template: dict[str, Any], kind: str) -> dict[str, Any]:
    found = list(resources_of(template, kind).values())
    assert len(found) == 1, kind
    return found[0]


FUNCTION = the(EXPANDED, "AWS::Lambda::Function")["Properties"]
TABLE = TEMPLATE["Resources"]["ProfilesTable"]
ROLE = the(EXPANDED, "AWS::IAM::Role")["Properties"]


def statements_for(service: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in ROLE["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        if all(action.startswith(f"{service}:") for action in statement["Action"])
    ]


def write(template: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(template))  # JSON is YAML: the loader reads it as it is
    return path


def test_the_template_expands_lints_clean_and_grants_least_privilege() -> None:
    assert check_template.problems() == []


def test_a_misspelled_sam_event_type_is_caught(tmp_path: Path) -> None:
    broken = copy.deepcopy(TEMPLATE)
    broken["Resources"]["SkillFunction"]["Properties"]["Events"]["Alexa"]["Type"] = "AlexaSkil"
    found = check_template.problems(write(broken, tmp_path / "template.json"))
    assert len(found) == 1
    assert "SAM cannot expand" in found[0] and "AlexaSkil" in found[0]


def test_cfn_lint_checks_the_expanded_template(tmp_path: Path) -> None:
    broken = copy.deepcopy(TEMPLATE)
    broken["Resources"]["SkillFunction"]["Properties"]["Timeout"] = 901
    found = check_template.problems(write(broken, tmp_path / "template.json"))
    assert any("901" in line and "Timeout" in line for line in found)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda s: s.update(Action=["dynamodb:*"]), "wildcard or unnamed action"),
        (lambda s: s.update(Resource="*"), "wildcard resource"),
        (lambda s: s.update(Resource={"Fn::Sub": "arn:aws:dynamodb:*:*:table/x"}), "wildcard"),
        (lambda s: s.update(Resource={"Fn::GetAtt": ["Elsewhere", "Arn"]}), "not in the stack"),
        (lambda s: s.update(NotAction=["dynamodb:Scan"]), "uses NotAction"),
        (lambda s: s.pop("Resource"), "without a resource"),
    ],
)
def test_the_iam_check_refuses_wildcards_and_foreign_resources(change: Any, complaint: str) -> None:
    broken = copy.deepcopy(EXPANDED)
    role = the(broken, "AWS::IAM::Role")["Properties"]
    change(role["Policies"][0]["PolicyDocument"]["Statement"][0])
    found = check_template.iam_problems(broken)
    assert len(found) == 1
    assert complaint in found[0]


def test_the_iam_check_refuses_managed_policies() -> None:
    broken = copy.deepcopy(EXPANDED)
    the(broken, "AWS::IAM::Role")["Properties"]["ManagedPolicyArns"] = [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    ]
    assert len(check_template.iam_problems(broken)) == 1


def test_only_the_configured_skill_can_invoke_the_function() -> None:
    permissions = resources_of(EXPANDED, "AWS::Lambda::Permission")
    assert [res["Properties"] for res in permissions.values()] == [
        {
            "Action": "lambda:InvokeFunction",
            # Alexa calls the published alias, so the permission is the alias's.
            "FunctionName": {"Ref": "SkillFunctionAliaslive"},
            "Principal": "alexa-appkit.amazon.com",
            "EventSourceToken": {"Ref": "SkillId"},
        }
    ]
    # And the function refuses any other skill itself.
    assert FUNCTION["Environment"]["Variables"]["SKILL_ID"] == {"Ref": "SkillId"}
    assert "Default" not in TEMPLATE["Parameters"]["SkillId"]


def test_the_function_runs_what_the_artifact_is_built_for() -> None:
    assert FUNCTION["Runtime"] == "python{}.{}".format(*package.RUNTIME_VERSION)
    assert FUNCTION["Architectures"] == ["arm64"]
    assert package.WHEEL_PLATFORM.endswith("_aarch64")
    assert FUNCTION["Timeout"] <= 7  # Alexa waits 8 s
    assert 128 <= FUNCTION["MemorySize"] <= 1769
    module, _, name = FUNCTION["Handler"].rpartition(".")
    entry = ast.parse((ROOT / "lambda" / f"{module}.py").read_text())
    assigned = {
        target.id
        for node in entry.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert name in assigned


def test_sam_builds_the_function_with_the_makefile_target_of_its_name() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for name, resource in TEMPLATE["Resources"].items():
        if resource.get("Metadata", {}).get("BuildMethod") == "makefile":
            assert re.search(rf"^build-{name}:", makefile, re.MULTILINE), name
            assert "tools.package dir" in makefile.split(f"build-{name}:", 1)[1]


def test_the_table_is_keyed_as_the_store_writes_and_kept_safe() -> None:
    properties = TABLE["Properties"]
    assert properties["KeySchema"] == [{"AttributeName": dynamodb.KEY, "KeyType": "HASH"}]
    assert properties["AttributeDefinitions"] == [
        {"AttributeName": dynamodb.KEY, "AttributeType": "S"}
    ]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["TimeToLiveSpecification"] == {
        "AttributeName": TTL_ATTRIBUTE,
        "Enabled": True,
    }
    assert TABLE["DeletionPolicy"] == TABLE["UpdateReplacePolicy"] == "Retain"
    assert FUNCTION["Environment"]["Variables"]["TABLE_NAME"] == {"Ref": "ProfilesTable"}
    assert FUNCTION["Environment"]["Variables"][TTL_SETTING] == {"Ref": "RecordTtlDays"}


def dynamodb_calls_in_the_code() -> set[str]:
    """``dynamodb:GetItem`` for every ``.get_item(`` (and so on) the function's code makes."""
    calls: set[str] = set()
    for path in (ROOT / "lambda").rglob("*.py"):
        for call in re.findall(
            r"\.(get_item|put_item|delete_item|update_item|query|scan|batch_get_item|"
            r"batch_write_item|transact_get_items|transact_write_items)\(",
            path.read_text(),
        ):
            calls.add("dynamodb:" + "".join(part.title() for part in call.split("_")))
    return calls


def test_the_role_allows_exactly_the_table_calls_the_code_makes_on_that_table_only() -> None:
    (statement,) = statements_for("dynamodb")
    assert set(statement["Action"]) == dynamodb_calls_in_the_code()
    assert dynamodb_calls_in_the_code() >= {"dynamodb:GetItem", "dynamodb:PutItem"}
    assert statement["Resource"] == {"Fn::GetAtt": ["ProfilesTable", "Arn"]}


def test_logs_go_to_the_stacks_own_group_which_expires_them() -> None:
    (statement,) = statements_for("logs")
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == {"Fn::GetAtt": ["SkillLogGroup", "Arn"]}
    assert FUNCTION["LoggingConfig"]["LogGroup"] == {"Ref": "SkillLogGroup"}
    group = TEMPLATE["Resources"]["SkillLogGroup"]["Properties"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert TEMPLATE["Parameters"]["LogRetentionDays"]["Default"] <= 90


def test_the_environment_holds_every_deployment_setting_and_nothing_unknown() -> None:
    variables = set(FUNCTION["Environment"]["Variables"])
    assert variables == (set(config.SETTINGS) - LOCAL_ONLY_SETTINGS) | {TTL_SETTING}
    assert {f"PRACTICE_{field.upper()}" for field in practice.SETTINGS} <= variables


def test_the_hash_secret_is_generated_by_the_stack_never_a_parameter() -> None:
    secret = FUNCTION["Environment"]["Variables"]["USER_KEY_SECRET"]
    assert secret == {"Fn::Sub": "{{resolve:secretsmanager:${UserKeySecret}:SecretString}}"}
    generated = TEMPLATE["Resources"]["UserKeySecret"]
    assert generated["Type"] == "AWS::SecretsManager::Secret"
    assert generated["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert generated["DeletionPolicy"] == "Retain"
    assert not [name for name in TEMPLATE["Parameters"] if "secret" in name.lower()]


def test_the_stack_outputs_the_endpoint_for_the_skill_manifest() -> None:
    output = EXPANDED["Outputs"]["SkillFunctionArn"]["Value"]
    assert output == {"Ref": "SkillFunctionAliaslive"}


def test_cold_starts_restore_a_snapshot_of_the_initialised_function() -> None:
    # SnapStart applies to published versions: every deploy publishes one behind the alias.
    assert FUNCTION["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    alias = the(EXPANDED, "AWS::Lambda::Alias")["Properties"]
    assert alias["Name"] == "live"
    assert alias["FunctionVersion"]["Fn::GetAtt"][1] == "Version"


def parameter_accepts(parameter: str, value: str) -> bool:
    declared = TEMPLATE["Parameters"][parameter]
    pattern = declared.get("AllowedPattern", ".*")
    return bool(re.fullmatch(pattern, value)) and len(value) <= declared.get("MaxLength", 4096)


PRACTICE_PARAMETERS = {field: f"Practice{field.title()}" for field in practice.SETTINGS}
EXAMPLE = tomllib.loads((ROOT / "local-config.example.toml").read_text())


@pytest.mark.parametrize("field", sorted(practice.SETTINGS))
def test_practice_parameters_accept_the_documented_example_and_blank(field: str) -> None:
    value = EXAMPLE[practice.SETTINGS[field]]
    assert practice.practice_from({practice.SETTINGS[field]: value, **EXAMPLE}) is not None
    assert parameter_accepts(PRACTICE_PARAMETERS[field], value)
    assert parameter_accepts(PRACTICE_PARAMETERS[field], "")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "212 555 0147"),
        ("email", "hello at example.org"),
        ("website", "http://example.org"),
        ("name", "x" * 101),
    ],
)
def test_practice_parameters_refuse_at_deploy_what_the_skill_would_refuse_at_start(
    field: str, value: str
) -> None:
    with pytest.raises(practice.PracticeError):
        practice.practice_from({**EXAMPLE, practice.SETTINGS[field]: value})
    assert not parameter_accepts(PRACTICE_PARAMETERS[field], value)


def test_samconfig_builds_in_place_and_names_no_account_or_region() -> None:
    text = (ROOT / "samconfig.toml").read_text()
    settings = tomllib.loads(text)
    assert settings["default"]["build"]["parameters"]["build_in_source"] is True
    assert not re.search(r"\b\d{12}\b", text)
    assert "region" not in json.dumps(settings)
