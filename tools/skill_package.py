"""Keep ``skill-package/`` (the ASK CLI v2 layout) ready to upload.

    python -m tools.skill_package [--endpoint ARN] [--privacy-url URL]     # make skill-package

Copies each ``interaction_models/<locale>.json`` to ``interactionModels/custom/<locale>.json``
unchanged (the tests prove the two agree), and, when asked, writes the deployer's own values into
``skill.json``: the function's ARN (the stack output ``SkillFunctionArn``) as the endpoint of the
skill and of its events, and the privacy policy address for every locale.

The endpoint comes with the SkillDisabled subscription because Alexa sends events to an
endpoint, and there is none before the stack exists: the first upload, which creates the skill
and gives it the id the stack needs, goes without both.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = REPO_ROOT / "skill-package"
MODELS = REPO_ROOT / "interaction_models"
MANIFEST = "skill.json"
CUSTOM_MODELS = Path("interactionModels") / "custom"
SUBSCRIPTIONS = ("SKILL_DISABLED",)
"""Events the skill handles: disabling the skill deletes the listener's record."""
PRIVACY_PLACEHOLDER = "https://example.com/set-your-privacy-policy-url"
LAMBDA_ARN = re.compile(
    r"arn:aws(?:-[a-z]+)*:lambda:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}"
    r"(?::[A-Za-z0-9$_-]+)?"
)
HTTPS_URL = re.compile(r"https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?")


class SkillPackageError(ValueError):
    """A value that would make the skill package unusable."""


def sync_models(package: Path = PACKAGE, models: Path = MODELS) -> list[str]:
    """Copy every interaction model into the package; remove copies of models that are gone.

    Returns the locales written.
    """
    target = package / CUSTOM_MODELS
    target.mkdir(parents=True, exist_ok=True)
    sources = {path.name: path for path in sorted(models.glob("*.json"))}
    for stale in sorted(target.glob("*.json")):
        if stale.name not in sources:
            stale.unlink()
    for name, source in sources.items():
        (target / name).write_bytes(source.read_bytes())
    return [Path(name).stem for name in sources]


def read_manifest(package: Path = PACKAGE) -> dict[str, Any]:
    manifest = json.loads((package / MANIFEST).read_text())
    if not isinstance(manifest, dict):
        raise SkillPackageError(f"{package / MANIFEST} is not a skill manifest")
    return manifest


def write_manifest(manifest: dict[str, Any], package: Path = PACKAGE) -> None:
    (package / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def with_endpoint(manifest: dict[str, Any], arn: str) -> dict[str, Any]:
    """``manifest`` with the skill's and its events' endpoint set to the Lambda function ``arn``."""
    if not LAMBDA_ARN.fullmatch(arn):
        raise SkillPackageError(
            f"{arn!r} is not a Lambda function ARN; use the stack output SkillFunctionArn"
        )
    body = manifest["manifest"]
    body["apis"]["custom"]["endpoint"] = {"uri": arn}
    body["events"] = {
        "endpoint": {"uri": arn},
        "subscriptions": [{"eventName": name} for name in SUBSCRIPTIONS],
    }
    return manifest


def with_privacy_url(manifest: dict[str, Any], url: str) -> dict[str, Any]:
    """``manifest`` with ``url`` as the privacy policy of every locale."""
    if not HTTPS_URL.fullmatch(url) or url == PRIVACY_PLACEHOLDER:
        raise SkillPackageError(f"{url!r} is not your privacy policy's https:// address")
    for locale in manifest["manifest"]["privacyAndCompliance"]["locales"].values():
        locale["privacyPolicyUrl"] = url
    return manifest


def still_to_set(manifest: dict[str, Any]) -> list[str]:
    """What the deployer has yet to put in before the skill can be tested or certified."""
    body = manifest["manifest"]
    missing = []
    if "endpoint" not in body["apis"]["custom"]:
        missing.append("the endpoint: ENDPOINT=<SkillFunctionArn> once the stack is deployed")
    urls = [
        locale["privacyPolicyUrl"] for locale in body["privacyAndCompliance"]["locales"].values()
    ]
    if PRIVACY_PLACEHOLDER in urls:
        missing.append("the privacy policy: PRIVACY_URL=<https://...>, before certification")
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.skill_package", description=__doc__)
    parser.add_argument("--endpoint", help="the stack output SkillFunctionArn")
    parser.add_argument("--privacy-url", help="your privacy policy's https:// address")
    options = parser.parse_args(argv)
    locales = sync_models()
    print(f"skill-package/{CUSTOM_MODELS.as_posix()}: {', '.join(locales)}")
    try:
        manifest = read_manifest()
        if options.endpoint:
            manifest = with_endpoint(manifest, options.endpoint)
        if options.privacy_url:
            manifest = with_privacy_url(manifest, options.privacy_url)
    except SkillPackageError as error:
        print(f"skill-package: {error}", file=sys.stderr)
        return 1
    if options.endpoint or options.privacy_url:
        write_manifest(manifest)
        print(f"skill-package/{MANIFEST}: updated")
    for missing in still_to_set(manifest):
        print(f"still to set: {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
