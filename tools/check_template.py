"""Check template.yaml offline: expand SAM, lint the result, and hold the role to least privilege.

    python -m tools.check_template [template.yaml]

cfn-lint alone reads a SAM template without expanding it, so a SAM mistake (a misspelled event
type, a property SAM does not know) passes it. Here the SAM translator expands the template
first, exactly as CloudFormation's transform will, and cfn-lint checks the CloudFormation that
results. Then every IAM policy in it is checked: no wildcard action, no wildcard or account-wide
resource, no managed policy (those are written for everyone, with wildcards).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"
REGION = "us-east-1"
"""Expansion and linting need a region; the template names none, so any Alexa region will do."""

PACKAGING_BUCKET = "sam-deploy-artifacts"
"""Stands for the bucket ``sam deploy`` uploads the built code to."""

Template = dict[str, Any]


class TemplateError(ValueError):
    """The template cannot be read or expanded."""


def load(path: Path = TEMPLATE) -> Template:
    """The template as plain data, CloudFormation's short tags (``!Ref``) in their long form."""
    from cfnlint.decode import cfn_yaml

    try:
        loaded = cfn_yaml.load(str(path))
    except Exception as error:
        raise TemplateError(f"{path} is not a readable template: {error}") from error
    # cfn-lint's nodes remember line numbers; the translator wants plain dicts and lists.
    plain = json.loads(json.dumps(loaded))
    if not isinstance(plain, dict):
        raise TemplateError(f"{path} is not a template")
    return plain


class _NoManagedPolicies:
    """The translator looks managed policy names up in IAM; this template uses none."""

    def load(self) -> dict[str, str]:
        return {}


def as_packaged(template: Template) -> Template:
    """``template`` as ``sam deploy`` hands it over: local code folders replaced by S3 objects."""
    packaged = copy.deepcopy(template)
    for name, resource in packaged.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        code = properties.get("CodeUri")
        is_function = resource.get("Type") == "AWS::Serverless::Function"
        if is_function and isinstance(code, str) and not code.startswith("s3://"):
            properties["CodeUri"] = f"s3://{PACKAGING_BUCKET}/{name}.zip"
    return packaged


def expand(template: Template) -> Template:
    """The CloudFormation template that the SAM transform makes of ``template``, once packaged."""
    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    try:
        expanded = translator.translate(
            as_packaged(template),
            parameter_values={},
            get_managed_policy_map=_NoManagedPolicies().load,
        )
    except InvalidDocumentException as error:
        causes = "; ".join(str(cause) for cause in error.causes)
        raise TemplateError(f"SAM cannot expand the template: {causes}") from error
    finally:
        # The translator counts its work for CloudWatch; publishing goes nowhere (a no-op
        # publisher) and keeps it from complaining at exit about metrics left unpublished.
        translator.metrics.publish()
    if not isinstance(expanded, dict):
        raise TemplateError("SAM returned no template")
    return expanded


def lint(expanded: Template) -> list[str]:
    """cfn-lint's findings on the expanded template, warnings included."""
    from cfnlint.api import ManualArgs
    from cfnlint.api import lint as cfn_lint

    matches = cfn_lint(json.dumps(expanded), config=ManualArgs(regions=[REGION]))
    return [
        f"{match.rule.id} {match.message} ({'/'.join(map(str, match.path))})" for match in matches
    ]


def _statements(document: object) -> Iterator[Mapping[str, Any]]:
    statements = document.get("Statement", []) if isinstance(document, Mapping) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, Mapping):
            yield statement


def _policies(resource_type: str, properties: Mapping[str, Any]) -> Iterator[tuple[str, object]]:
    if resource_type == "AWS::IAM::Role":
        for policy in properties.get("Policies", []):
            yield str(policy.get("PolicyName")), policy.get("PolicyDocument")
    elif resource_type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        yield str(properties.get("PolicyName", resource_type)), properties.get("PolicyDocument")


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _strings_in(value: object) -> Iterator[str]:
    """Every literal string inside a value, intrinsic functions included (a Sub's text, ...)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


def _resource_problem(resource: object, resources: Mapping[str, Any]) -> str | None:
    if isinstance(resource, Mapping) and set(resource) == {"Fn::GetAtt"}:
        target = resource["Fn::GetAtt"]
        name = target[0] if isinstance(target, list) else str(target).split(".")[0]
        return None if name in resources else f"refers to {name}, which is not in the stack"
    if isinstance(resource, Mapping) and set(resource) == {"Ref"}:
        name = resource["Ref"]
        return None if name in resources else f"refers to {name}, which is not in the stack"
    if any("*" in text for text in _strings_in(resource)):
        return f"has a wildcard resource {json.dumps(resource)}"
    return None


def _statement_problems(
    where: str, statement: Mapping[str, Any], resources: Mapping[str, Any]
) -> Iterator[str]:
    for key in ("NotAction", "NotResource", "NotPrincipal"):
        if key in statement:
            yield f"{where} uses {key}, which grants all but what it names"
    for action in _as_list(statement.get("Action")):
        if not isinstance(action, str) or "*" in action:
            yield f"{where} has a wildcard or unnamed action {action!r}"
    if "Resource" not in statement:
        yield f"{where} has a statement without a resource"
    for target in _as_list(statement.get("Resource")):
        problem = _resource_problem(target, resources)
        if problem:
            yield f"{where} {problem}"


def iam_problems(expanded: Template) -> list[str]:
    """Every way the stack's IAM policies grant more than named actions on its own resources."""
    resources: Mapping[str, Any] = expanded.get("Resources", {})
    found: list[str] = []
    for name, resource in resources.items():
        kind = resource.get("Type", "")
        properties = resource.get("Properties", {})
        if not kind.startswith("AWS::IAM::"):
            continue
        if properties.get("ManagedPolicyArns"):
            found.append(f"{name} attaches managed policies {properties['ManagedPolicyArns']}")
        for statement in _statements(properties.get("AssumeRolePolicyDocument")):
            if any("*" in text for text in _strings_in(statement.get("Principal"))):
                found.append(f"{name} can be assumed by any principal")
        for policy, document in _policies(kind, properties):
            for statement in _statements(document):
                found.extend(_statement_problems(f"{name}/{policy}", statement, resources))
    return found


def problems(path: Path = TEMPLATE) -> list[str]:
    """Everything wrong with the template at ``path``: expansion, lint and IAM, in that order."""
    try:
        expanded = expand(load(path))
    except TemplateError as error:
        return [str(error)]
    return lint(expanded) + iam_problems(expanded)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.check_template", description=__doc__)
    parser.add_argument("template", type=Path, nargs="?", default=TEMPLATE)
    parser.add_argument("--expanded", action="store_true", help="print the expanded template")
    options = parser.parse_args(argv)
    if options.expanded:
        print(json.dumps(expand(load(options.template)), indent=2))
        return 0
    found = problems(options.template)
    for problem in found:
        print(problem, file=sys.stderr)
    if not found:
        print(f"{options.template}: expanded, linted, least privilege: no problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
