"""Build the Lambda artifact: the code, ``content/``, the pinned dependencies and their ``.pyc``.

One builder for both ways of deploying, so they cannot drift apart::

    python -m tools.package zip dist/lambda.zip    # make package: a zip to upload by hand
    python -m tools.package dir "$ARTIFACTS_DIR"   # sam build (template.yaml: BuildMethod makefile)
    python -m tools.package check DIR_OR_ZIP       # the artifact checks alone

Dependencies are installed from ``requirements.txt`` for the function's platform (arm64 Lambda,
CPython 3.13), whatever machine builds. Every module is compiled by Python 3.13 into
``__pycache__`` with hash-based, unchecked ``.pyc`` files: Lambda's code folder is read-only, so
without them every cold start compiles everything again, and a zip does not keep the source
timestamps that default ``.pyc`` files are checked against.

What a cold start would otherwise redo is done here once: the Jinja templates are compiled to
Python modules (``content/_compiled_templates``, by the artifact's own pinned Jinja2) and the TOML
content is parsed into ``content/content.json``. botocore ships the models of every AWS service
(about 16 MB of a 22 MB zip); only DynamoDB's is kept, which keeps the zip small and the boto3 pin
in force (rather than using the runtime's boto3, whose version Lambda chooses).

Only the standard library is used here, so any Python 3.11+ can run it; it finds a Python 3.13 to
install and compile with.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RUNTIME_VERSION = (3, 13)
"""CPython of the Lambda runtime (template.yaml: ``Runtime: python3.13``)."""
WHEEL_PLATFORM = "manylinux2014_aarch64"
"""Wheels for the function's architecture (template.yaml: ``Architectures: [arm64]``)."""
CACHE_TAG = "cpython-313"
"""``sys.implementation.cache_tag`` of the runtime: the name its ``.pyc`` files carry."""
EXTENSION_TAG = "cpython-313-aarch64-linux-gnu"
"""The only platform tag a native module in the artifact may carry (besides ``abi3``)."""
ELF_MACHINE_AARCH64 = 0xB7
TASK_ROOT = "/var/task"
"""Where Lambda unpacks the code; tracebacks name files there."""
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
"""Every zip entry gets this time, so the zip depends on the files alone, not on when they were
built (the ``.pyc`` files are hash-based and do not need real times)."""
UNCHECKED_HASH_FLAGS = 0b01
"""PEP 552 ``.pyc`` flags: hash-based, source not checked."""
LEFT_OUT = ("bin",)
"""Console scripts pip writes for the build machine; the function never runs them."""
BOTOCORE_DATA = "botocore/data"
KEPT_SERVICES = ("dynamodb",)
"""The AWS services whose botocore models the function uses; every other model is left out. Its
shared files (endpoints, partitions, retry and default settings) stay."""
COMPILED_TEMPLATES = "content/_compiled_templates"
"""Where the compiled templates go (``aftercare.speech.COMPILED``)."""
CONTENT_SNAPSHOT = "content/content.json"
"""The parsed TOML content (``aftercare.content.SNAPSHOT``)."""
PREBUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from aftercare.content import write_snapshot
from aftercare.speech import compile_templates
content = Path(sys.argv[1]) / "content"
compile_templates(content)
write_snapshot(content)
"""
"""Run by the build's Python with the artifact first on its path, so the templates are compiled
by the Jinja2 the function will run (and the content read by the code that will read it)."""


class PackagingError(RuntimeError):
    """The artifact could not be built, or it is not what the function needs."""


@dataclass(frozen=True)
class Sources:
    """What goes into the artifact, from a checkout of the repository."""

    root: Path = REPO_ROOT

    @property
    def code(self) -> Path:
        return self.root / "lambda"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def requirements(self) -> Path:
        return self.root / "requirements.txt"


def _ask(python: Path, code: str) -> str:
    """What ``code`` prints when ``python`` runs it."""
    result = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    return result.stdout.strip()


def _version_of(python: Path) -> tuple[int, int] | None:
    try:
        major, minor = _ask(python, "import sys; print(*sys.version_info[:2])").split()
    except (OSError, subprocess.SubprocessError):
        return None
    return int(major), int(minor)


def find_runtime_python() -> Path:
    """A Python of the Lambda runtime's version: this one, ``python3.13`` on PATH, or pyenv's."""
    if sys.version_info[:2] == RUNTIME_VERSION:
        return Path(sys.executable)
    name = "python{}.{}".format(*RUNTIME_VERSION)
    candidates: list[Path] = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    try:
        prefix = subprocess.run(
            ["pyenv", "prefix", "{}.{}".format(*RUNTIME_VERSION)],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        candidates.append(Path(prefix) / "bin" / "python")
    except (OSError, subprocess.SubprocessError):
        pass
    for candidate in candidates:
        if _version_of(candidate) == RUNTIME_VERSION:
            return candidate
    raise PackagingError(
        f"the artifact needs {name} (the Lambda runtime) to compile for it; install it, put it "
        "on PATH, or name it with --python"
    )


def _run(command: Sequence[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PackagingError(
            f"{' '.join(command[:4])} ... failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(requirements: Path) -> dict[str, str]:
    """``name -> version`` for every ``name==version`` line; any other requirement is refused."""
    pins: dict[str, str] = {}
    for number, raw in enumerate(requirements.read_text().splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)", line)
        if not match:
            raise PackagingError(f"{requirements.name}:{number}: pin with name==version: {line}")
        pins[_canonical(match[1])] = match[2]
    return pins


def installed(folder: Path) -> dict[str, str]:
    """``name -> version`` of every distribution installed in ``folder``."""
    found: dict[str, str] = {}
    for metadata in folder.glob("*.dist-info/METADATA"):
        headers = HeaderParser().parsestr(metadata.read_text(encoding="utf-8"))
        found[_canonical(headers["Name"])] = headers["Version"]
    return found


def _dependency_problems(folder: Path, pins: dict[str, str]) -> list[str]:
    have = installed(folder)
    found = [
        f"{name} {version} is installed but requirements.txt does not pin it"
        for name, version in sorted(have.items())
        if name not in pins
    ]
    found += [
        f"{name} is pinned to {pins[name]} but {version} is installed"
        for name, version in sorted(have.items())
        if name in pins and pins[name] != version
    ]
    found += [f"{name} is pinned but not installed" for name in sorted(pins.keys() - have.keys())]
    return found


def install_dependencies(python: Path, requirements: Path, cache: Path) -> Path:
    """The pinned dependencies for the function's platform, installed once per requirements file.

    The folder is kept under ``cache`` by a hash of what decides its content, so a rebuild reuses
    it and any change to the pins installs afresh.
    """
    recipe = b"\0".join(
        [requirements.read_bytes(), WHEEL_PLATFORM.encode(), repr(RUNTIME_VERSION).encode()]
    )
    target = cache / f"deps-{hashlib.sha256(recipe).hexdigest()[:16]}"
    if target.is_dir():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="deps-", dir=cache))
    try:
        _run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-warn-script-location",
                "--only-binary=:all:",
                "--platform",
                WHEEL_PLATFORM,
                "--implementation",
                "cp",
                "--python-version",
                "{}.{}".format(*RUNTIME_VERSION),
                # Compiled below, by the runtime's Python and for a read-only folder.
                "--no-compile",
                "--target",
                str(staging),
                "--requirement",
                str(requirements),
            ]
        )
        # Anything the resolver added beyond the pins would ship unreviewed: refuse it.
        found = _dependency_problems(staging, pinned(requirements))
        if found:
            raise PackagingError("; ".join(found))
        try:
            staging.rename(target)
        except OSError:
            # Another build installed the same pins meanwhile: theirs is as good.
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _ignore_caches(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name == "__pycache__" or name.endswith(".pyc")}


def _ignore_other_services(dependencies: Path) -> Callable[[str, list[str]], set[str]]:
    data = dependencies / BOTOCORE_DATA

    def ignore(folder: str, names: list[str]) -> set[str]:
        if Path(folder) != data:
            return set()
        return {name for name in names if (data / name).is_dir() and name not in KEPT_SERVICES}

    return ignore


def add_code(destination: Path, *, python: Path, sources: Sources = Sources()) -> None:
    """``lambda/`` and ``content/`` into ``destination``, with the templates compiled and the
    content parsed. ``python`` must be able to import Jinja2: the artifact's own when the
    dependencies are already in ``destination``, which comes first on its path."""
    for entry in sorted(sources.code.iterdir()):
        if entry.name == "__pycache__":
            continue
        if (destination / entry.name).exists():
            raise PackagingError(f"lambda/{entry.name} has the name of a dependency")
        if entry.is_dir():
            shutil.copytree(entry, destination / entry.name, ignore=_ignore_caches)
        else:
            shutil.copy2(entry, destination / entry.name)
    shutil.copytree(sources.content, destination / "content", ignore=_ignore_caches)
    # -I: nothing from the environment or the user's site; -B: no .pyc written while it runs
    # (compile_bytecode writes the unchecked ones the artifact needs).
    _run([str(python), "-I", "-B", "-c", PREBUILD, str(destination)])


def compile_bytecode(python: Path, destination: Path) -> None:
    """Unchecked, hash-based ``.pyc`` for every module in ``destination``, named as on Lambda."""
    _run(
        [
            str(python),
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(destination),
            "-p",
            TASK_ROOT,
            str(destination),
        ]
    )


def build(
    destination: Path,
    *,
    python: Path,
    sources: Sources = Sources(),
    cache: Path | None = None,
) -> None:
    """Lay the artifact out in ``destination`` (created; it must not hold anything yet)."""
    if destination.exists() and any(destination.iterdir()):
        raise PackagingError(f"{destination} is not empty")
    if _version_of(python) != RUNTIME_VERSION:
        raise PackagingError(f"{python} is not Python {'.'.join(map(str, RUNTIME_VERSION))}")
    dependencies = install_dependencies(
        python, sources.requirements, cache or sources.root / "build" / "cache"
    )
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        dependencies, destination, dirs_exist_ok=True, ignore=_ignore_other_services(dependencies)
    )
    for name in LEFT_OUT:
        shutil.rmtree(destination / name, ignore_errors=True)
    add_code(destination, python=python, sources=sources)
    compile_bytecode(python, destination)
    # Lambda runs the code as another user: everything must be readable by all.
    for folder, subfolders, files in os.walk(destination):
        for name in subfolders:
            os.chmod(Path(folder) / name, 0o755)
        for name in files:
            os.chmod(Path(folder) / name, 0o644)


def _files(root: Path) -> Iterator[Path]:
    return (path for path in sorted(root.rglob("*")) if path.is_file())


def write_zip(root: Path, archive: Path) -> None:
    """Zip ``root``'s files in a fixed order with fixed times and read permissions."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in _files(root):
            entry = zipfile.ZipInfo(path.relative_to(root).as_posix(), ZIP_TIMESTAMP)
            entry.external_attr = 0o100644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(entry, path.read_bytes(), compresslevel=9)
    partial.replace(archive)


def _pyc_problem(source: Path, magic: bytes) -> str | None:
    cached = source.parent / "__pycache__" / f"{source.stem}.{CACHE_TAG}.pyc"
    if not cached.is_file():
        return "has no .pyc"
    header = cached.read_bytes()[:16]
    if header[:4] != magic:
        return "has a .pyc from another Python"
    if int.from_bytes(header[4:8], "little") != UNCHECKED_HASH_FLAGS:
        return "has a .pyc that is checked against the source (it must be unchecked-hash)"
    return None


def _native_problem(library: Path) -> str | None:
    tag = library.name.split(".")[-2] if library.name.count(".") >= 2 else ""
    if tag not in (EXTENSION_TAG, "abi3"):
        return f"is a native module for another platform ({tag or 'untagged'})"
    header = library.read_bytes()[:20]
    if header[:4] != b"\x7fELF" or int.from_bytes(header[18:20], "little") != ELF_MACHINE_AARCH64:
        return "is not an arm64 (aarch64) ELF library"
    return None


def _template_problems(root: Path) -> list[str]:
    """Every template needs its compiled module, named as Jinja2's ``ModuleLoader`` looks for it
    (``tmpl_`` and the SHA-1 of the template's name)."""
    content = root / "content"
    found = []
    for template in sorted(content.rglob("*.j2")):
        name = template.relative_to(content).as_posix()
        module = f"tmpl_{hashlib.sha1(name.encode()).hexdigest()}.py"
        if not (root / COMPILED_TEMPLATES / module).is_file():
            found.append(f"content/{name} has no compiled module in {COMPILED_TEMPLATES}")
    return found


def problems(root: Path, *, magic: bytes, requirements: Path | None = None) -> list[str]:
    """What would break the function, or slow its cold start, in the artifact laid out at ``root``.

    ``magic`` is the runtime Python's ``importlib.util.MAGIC_NUMBER``.
    """
    found: list[str] = []
    for required in (
        "lambda_function.py",
        "aftercare/__init__.py",
        "content/locales.toml",
        CONTENT_SNAPSHOT,
    ):
        if not (root / required).is_file():
            found.append(f"{required} is missing")
    found += _template_problems(root)
    if (root / BOTOCORE_DATA).is_dir():
        found += [
            f"{BOTOCORE_DATA}/{service} is missing (the DynamoDB store needs its model)"
            for service in KEPT_SERVICES
            if not (root / BOTOCORE_DATA / service).is_dir()
        ]
    found += [
        f"{name}/ is left over from the build machine"
        for name in LEFT_OUT
        if (root / name).exists()
    ]
    for path in _files(root):
        relative = path.relative_to(root).as_posix()
        if path.suffix == ".py":
            problem = _pyc_problem(path, magic)
        elif path.suffix == ".so":
            problem = _native_problem(path)
        else:
            problem = None
        if problem:
            found.append(f"{relative} {problem}")
    found += _dependency_problems(root, pinned(requirements or Sources().requirements))
    return found


def runtime_magic(python: Path) -> bytes:
    return bytes.fromhex(
        _ask(python, "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())")
    )


def build_zip(archive: Path, *, python: Path, sources: Sources = Sources()) -> None:
    with tempfile.TemporaryDirectory(prefix="aftercare-artifact-") as scratch:
        root = Path(scratch) / "artifact"
        build(root, python=python, sources=sources)
        found = problems(root, magic=runtime_magic(python), requirements=sources.requirements)
        if found:
            raise PackagingError("\n".join(found))
        write_zip(root, archive)


@contextlib.contextmanager
def _unpacked(location: Path) -> Iterator[Path]:
    if location.is_dir():
        yield location
        return
    with tempfile.TemporaryDirectory(prefix="aftercare-check-") as scratch:
        with zipfile.ZipFile(location) as bundle:
            bundle.extractall(scratch)
        yield Path(scratch)


def _size(path: Path) -> str:
    total = path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in _files(path))
    return f"{total / 1_000_000:.1f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.package", description=__doc__)
    parser.add_argument("--python", type=Path, help="Python 3.13 to install and compile with")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("zip", help="build a zip").add_argument("archive", type=Path)
    commands.add_parser("dir", help="build into a folder").add_argument("folder", type=Path)
    commands.add_parser("check", help="check a built artifact").add_argument("location", type=Path)
    options = parser.parse_args(argv)
    try:
        python = options.python or find_runtime_python()
        if options.command == "zip":
            build_zip(options.archive, python=python)
            print(f"{options.archive}: {_size(options.archive)}")
            return 0
        if options.command == "dir":
            build(options.folder, python=python)
        location = options.folder if options.command == "dir" else options.location
        with _unpacked(location) as root:
            found = problems(root, magic=runtime_magic(python))
            if found:
                raise PackagingError("\n".join(found))
            print(f"{location}: {_size(root)} unpacked, checks passed")
    except PackagingError as error:
        print(f"packaging failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
