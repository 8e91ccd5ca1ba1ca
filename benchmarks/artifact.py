"""The size of the deployment artifact: ``dist/lambda.zip`` if it was built, else an equivalent.

The equivalent is what a Lambda zip holds: the pinned runtime requirements installed with
``pip install -r requirements.txt -t`` (or, when offline, the same distributions copied from this
virtual environment), plus ``lambda/`` and ``content/``, with ``.pyc`` files compiled for the
target Python, because Lambda's code folder is read-only and without them every cold start
compiles every module.
"""

from __future__ import annotations

import compileall
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Artifact:
    source: str
    """How the measured zip was made."""
    zipped_bytes: int
    unzipped_bytes: int
    largest: tuple[tuple[str, int], ...]
    """Top-level folders by zipped bytes, largest first."""
    without_boto_bytes: int
    """About the zip's size without boto3 and its own dependencies (the runtime's boto3 instead)."""
    dynamodb_only_bytes: int
    """About the zip's size with botocore's service data cut down to DynamoDB alone."""


BOTO = ("boto3", "botocore", "s3transfer", "jmespath")
"""boto3 and what only it needs (the SDK needs dateutil, urllib3 and six itself)."""
KEPT_SERVICES = ("dynamodb",)


def _entry_bytes(info: zipfile.ZipInfo) -> int:
    # Compressed data plus its local header and central directory record.
    return info.compress_size + 2 * len(info.filename.encode()) + 76


def _is_boto(name: str) -> bool:
    top = name.split("/", 1)[0]
    return top.split("-", 1)[0] in BOTO


def _other_service_data(name: str) -> bool:
    parts = name.split("/")
    return len(parts) > 3 and parts[:2] == ["botocore", "data"] and parts[2] not in KEPT_SERVICES


def measure(path: Path, source: str) -> Artifact:
    zipped_by_top: Counter[str] = Counter()
    unzipped = boto = other_services = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            zipped_by_top[info.filename.split("/", 1)[0]] += info.compress_size
            unzipped += info.file_size
            boto += _entry_bytes(info) if _is_boto(info.filename) else 0
            other_services += _entry_bytes(info) if _other_service_data(info.filename) else 0
    size = path.stat().st_size
    return Artifact(
        source,
        size,
        unzipped,
        tuple(zipped_by_top.most_common(6)),
        without_boto_bytes=size - boto,
        dynamodb_only_bytes=size - other_services,
    )


def _requirements(repo: Path) -> list[str]:
    names = []
    for line in (repo / "requirements.txt").read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            names.append(re.split(r"[=<>!~\[; ]", requirement, maxsplit=1)[0])
    return names


def _copy_from_environment(repo: Path, target: Path) -> None:
    """The installed files of every required distribution, as pip would lay them out."""
    for name in _requirements(repo):
        distribution = importlib.metadata.distribution(name)
        for file in distribution.files or ():
            source = Path(str(distribution.locate_file(file)))
            if ".." in file.parts or not source.is_file():
                continue  # console scripts live outside site-packages
            destination = target / file
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def _zip(folder: Path, path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())


def build_equivalent(repo: Path, prefer_pip: bool) -> Artifact:
    with tempfile.TemporaryDirectory(prefix="artifact-") as work:
        folder = Path(work) / "package"
        source = ""
        if prefer_pip:
            install = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                 "--no-deps", "-r", str(repo / "requirements.txt"), "-t", str(folder)],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )  # fmt: skip
            if install.returncode == 0:
                source = "built here: pip install -r requirements.txt -t, lambda/, content/"
        if not source:
            shutil.rmtree(folder, ignore_errors=True)
            _copy_from_environment(repo, folder)
            source = "built here: requirements copied from .venv, lambda/, content/"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for part in (repo / "lambda").iterdir():
            if part.is_dir():
                shutil.copytree(part, folder / part.name, ignore=ignore)
            elif part.suffix == ".py":
                shutil.copy2(part, folder / part.name)
        shutil.copytree(repo / "content", folder / "content", ignore=ignore)
        compileall.compile_dir(folder, quiet=1, workers=0)
        zip_path = Path(work) / "lambda.zip"
        _zip(folder, zip_path)
        return measure(zip_path, source)


def artifact(repo: Path, prefer_pip: bool) -> Artifact:
    built = repo / "dist" / "lambda.zip"
    if built.is_file():
        built_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(built.stat().st_mtime))
        return measure(built, f"dist/lambda.zip (make package, built {built_at})")
    return build_equivalent(repo, prefer_pip)
