"""The size of the deployment artifact, built by the same code as ``make package``.

``tools/package.py`` builds the zip into a temporary folder (its pinned arm64 dependencies are
cached under ``build/cache`` after the first build, which needs the network). When it cannot be
built here, ``dist/lambda.zip`` is measured instead if it exists, and the table says so.
"""

from __future__ import annotations

import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tools import package


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


BOTO = ("boto3", "botocore", "s3transfer", "jmespath")
"""boto3 and what only it needs (the SDK needs dateutil, urllib3 and six itself)."""


def _entry_bytes(info: zipfile.ZipInfo) -> int:
    # Compressed data plus its local header and central directory record.
    return info.compress_size + 2 * len(info.filename.encode()) + 76


def _is_boto(name: str) -> bool:
    top = name.split("/", 1)[0]
    return top.split("-", 1)[0] in BOTO


def measure(path: Path, source: str) -> Artifact:
    zipped_by_top: Counter[str] = Counter()
    unzipped = boto = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            zipped_by_top[info.filename.split("/", 1)[0]] += info.compress_size
            unzipped += info.file_size
            boto += _entry_bytes(info) if _is_boto(info.filename) else 0
    size = path.stat().st_size
    return Artifact(
        source, size, unzipped, tuple(zipped_by_top.most_common(6)), without_boto_bytes=size - boto
    )


def artifact(repo: Path) -> Artifact | None:
    """The zip ``make package`` builds, measured; None when it can be neither built nor found."""
    with tempfile.TemporaryDirectory(prefix="artifact-") as work:
        archive = Path(work) / "lambda.zip"
        started = time.monotonic()
        try:
            python = package.find_runtime_python()
            package.build_zip(archive, python=python, sources=package.Sources(repo))
        except (package.PackagingError, OSError) as error:
            print(f"  the artifact could not be built here: {error}", file=sys.stderr)
        else:
            took = time.monotonic() - started
            return measure(archive, f"built by tools/package.py in {took:.1f} s")
    built = repo / "dist" / "lambda.zip"
    if built.is_file():
        built_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(built.stat().st_mtime))
        return measure(built, f"dist/lambda.zip (make package, built {built_at}; may be stale)")
    return None
