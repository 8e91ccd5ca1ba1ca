"""``make bench``: the skill and a minimal ask-sdk-core baseline, measured side by side in one run.

Shared machines are noisy, so every figure is taken for both in the same run and interleaved
(cold starts alternate run by run, warm requests chunk by chunk), and the verdicts are ratios to
the baseline. ``--quick`` is a smoke test with fewer runs; ``--json`` prints machine-readable
results instead of the table. See BENCHMARKS.md for what each figure means and a recorded run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HERE = REPO / "benchmarks"
LAMBDA_DIR = REPO / "lambda"
BASELINE_DIR = HERE / "baseline"
PYTHON = sys.executable

sys.path[:0] = [str(LAMBDA_DIR), str(REPO)]

from aftercare.config import SETTINGS, Config  # noqa: E402
from aftercare.skill import build_handler  # noqa: E402
from benchmarks import conversation  # noqa: E402
from benchmarks.artifact import Artifact, artifact  # noqa: E402
from benchmarks.baseline import lambda_function as baseline_skill  # noqa: E402
from tools import package  # noqa: E402

MB = 1024 * 1024
IN_MEMORY = Path("/dev/shm")
"""A memory-backed file system, where this machine has one."""
READS = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


@dataclass(frozen=True)
class Plan:
    """How many runs of each kind: the full benchmark or the quick smoke test."""

    cold_runs: int
    warm_requests: int
    chunk: int
    warmup: int
    phase_runs: int
    phase_warm_rounds: int
    importtime_runs: int


FULL = Plan(
    cold_runs=21,
    warm_requests=10_000,
    chunk=500,
    warmup=360,
    phase_runs=5,
    phase_warm_rounds=20,
    importtime_runs=3,
)
QUICK = Plan(
    cold_runs=5,
    warm_requests=1_000,
    chunk=250,
    warmup=72,
    phase_runs=1,
    phase_warm_rounds=2,
    importtime_runs=1,
)


@dataclass(frozen=True)
class Target:
    """A Lambda handler to start: where its code is, and the module attribute Lambda calls."""

    code_dir: Path
    module: str
    attribute: str


CHECKOUT = Target(LAMBDA_DIR, "lambda_function", "handler")
"""The skill run from a checkout: templates compiled and TOML parsed at start-up."""
BASELINE = Target(BASELINE_DIR, "lambda_function", "lambda_handler")


def deployed_layout(work: Path) -> Target:
    """The skill's code as the Lambda artifact lays it out (``tools/package.py``: templates
    compiled, content parsed, ``.pyc`` files), compiled by this Python. Its dependencies come
    from this environment, as the baseline's do."""
    folder = work / "skill"
    folder.mkdir()
    package.add_code(folder, python=Path(PYTHON))
    package.compile_bytecode(Path(PYTHON), folder)
    return Target(folder, "lambda_function", "handler")


@dataclass
class Row:
    metric: str
    skill: str
    baseline: str = "-"
    ratio: str = "-"
    target: str = "-"
    verdict: str = ""


@dataclass
class Results:
    machine: dict[str, Any]
    plan: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------- helpers


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def spread(values: Sequence[float]) -> dict[str, float]:
    return {
        "median": median(values),
        "p25": percentile(values, 0.25),
        "p75": percentile(values, 0.75),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_at_start": [round(load, 2) for load in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def base_environment() -> dict[str, str]:
    """The process environment without any skill, AWS or Python setting. The deployed layout has
    no local config file beside it, as on Lambda."""
    dropped = {*SETTINGS, "AFTERCARE_LOCAL_CONFIG", "AWS_LAMBDA_FUNCTION_NAME"}
    return {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(("AWS_", "PYTHON"))
    }


def no_local_config(work: Path) -> Path:
    """An empty local config file: named for runs from the checkout, so that a developer's
    ``local-config.toml`` there is not read."""
    empty = work / "no-local-config.toml"
    empty.write_text("", encoding="utf-8")
    return empty


def checkout_environment(env: dict[str, str], work: Path) -> dict[str, str]:
    return {**env, "AFTERCARE_LOCAL_CONFIG": str(no_local_config(work))}


def skill_environment(
    base: dict[str, str], store: Path, log_level: str = "WARNING"
) -> dict[str, str]:
    return {**base, "LOCAL_STORE_PATH": str(store), "LOG_LEVEL": log_level}


def script(name: str) -> str:
    return str(HERE / name)


def run_json(args: Sequence[str], env: dict[str, str], cwd: Path) -> Any:
    done = subprocess.run(
        [PYTHON, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dynamodb_server(base: dict[str, str]) -> Iterator[dict[str, str] | None]:
    """A moto server with the profiles table; yields the environment that points the skill at it."""
    server = Path(PYTHON).parent / "moto_server"
    if not server.exists():
        yield None
        return
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.2)
        env = {
            **base,
            "TABLE_NAME": "aftercare-bench",
            "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            # moto accepts any credentials; these only let botocore sign the requests.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        import boto3

        boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).create_table(
            TableName=env["TABLE_NAME"],
            KeySchema=[{"AttributeName": "user_key", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "user_key", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield env
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- measurements


def record_conversations(work: Path) -> tuple[Path, Path, list[str], list[int]]:
    """The envelopes of the conversation mix for the skill and the baseline, as JSON files."""
    settings = {
        "LOCAL_STORE_PATH": str(work / "recording.sqlite3"),
        "LOG_LEVEL": "WARNING",
        "AFTERCARE_LOCAL_CONFIG": str(no_local_config(work)),
    }
    skill = build_handler(Config.from_env(settings))
    skill_events = conversation.record(skill)
    baseline_events = conversation.for_baseline(skill_events)
    for event in baseline_events:
        answer = baseline_skill.lambda_handler(event, None)  # type: ignore[arg-type]  # SDK says str
        if "response" not in answer:
            raise RuntimeError(f"the baseline did not answer {conversation.kind_of(event)}")
    sizes = conversation.attribute_sizes(skill, skill_events)
    skill_path, baseline_path = work / "skill-events.json", work / "baseline-events.json"
    skill_path.write_text(json.dumps(skill_events), encoding="utf-8")
    baseline_path.write_text(json.dumps(baseline_events), encoding="utf-8")
    return skill_path, baseline_path, [conversation.kind_of(e) for e in skill_events], sizes


def first_event(events_path: Path, work: Path) -> Path:
    path = work / f"first-{events_path.name}"
    events = json.loads(events_path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(events[0]), encoding="utf-8")
    return path


def cold_once(target: Target, event: Path, env: dict[str, str], work: Path) -> dict[str, float]:
    started = time.monotonic_ns()
    stamps = run_json(
        [
            script("cold.py"),
            str(target.code_dir),
            target.module,
            target.attribute,
            str(event),
        ],
        env,
        work,
    )
    if not stamps["answered"]:
        raise RuntimeError(f"{target.code_dir.name} gave no response on a cold start")
    first = (stamps["first_end"] - stamps["first_start"]) / 1e6
    init = (stamps["ready"] - started) / 1e6
    return {
        "interpreter": (stamps["main"] - started) / 1e6,
        "import_init": init,
        "first": first,
        "total": init + first,
        "second": stamps["second_ns"] / 1e6,
        "peak_rss_mb": stamps["peak_rss_kb"] / 1024,
    }


def cold_starts(
    plan: Plan,
    work: Path,
    *,
    skill: Target,
    base: dict[str, str],
    dynamo: dict[str, str] | None,
    skill_event: Path,
    baseline_event: Path,
) -> dict[str, dict[str, dict[str, float]]]:
    """Interleaved cold starts; the first round is discarded (it may write .pyc files)."""
    runs = 0

    def fresh_store(folder: Path = work) -> Path:
        nonlocal runs
        runs += 1
        return folder / f"cold-{runs}.sqlite3"

    variants: dict[str, Callable[[], dict[str, float]]] = {
        "skill": lambda: cold_once(
            skill, skill_event, skill_environment(base, fresh_store()), work
        ),
        "baseline": lambda: cold_once(BASELINE, baseline_event, base, work),
        "skill_checkout": lambda: cold_once(
            CHECKOUT,
            skill_event,
            checkout_environment(skill_environment(base, fresh_store()), work),
            work,
        ),
    }
    with contextlib.ExitStack() as cleanup:
        if IN_MEMORY.is_dir():
            # The same, with the store's file in memory: what the first request costs without
            # waiting for the disk to sync SQLite's first writes.
            memory = Path(cleanup.enter_context(tempfile.TemporaryDirectory(dir=IN_MEMORY)))
            variants["skill_store_in_memory"] = lambda: cold_once(
                skill, skill_event, skill_environment(base, fresh_store(memory)), work
            )
        if dynamo is not None:
            variants["skill_dynamodb"] = lambda: cold_once(
                skill, skill_event, skill_environment(dynamo, fresh_store()), work
            )
        names = list(variants)
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in names}
        for round_number in range(plan.cold_runs + 1):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                sample = variants[name]()
                if round_number:
                    samples[name].append(sample)
    return {
        name: {key: spread([s[key] for s in runs_of]) for key in runs_of[0]}
        for name, runs_of in samples.items()
    }


class Worker:
    """A warm-latency worker process (``warm.py``)."""

    def __init__(
        self,
        target: Target,
        events: Path,
        env: dict[str, str],
        *,
        work: Path,
        name: str,
        warmup: int,
    ) -> None:
        self.name = name
        self.stderr_path = work / f"warm-{name}.stderr"
        self._stderr = self.stderr_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [
                PYTHON,
                script("warm.py"),
                str(target.code_dir),
                target.module,
                target.attribute,
                str(events),
                str(warmup),
            ],
            env=env,
            cwd=work,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self.ready = self._read()
        self.timings: list[tuple[int, int]] = []

    def _read(self) -> Any:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self._stderr.flush()
            tail = self.stderr_path.read_text(encoding="utf-8")[-3000:]
            raise RuntimeError(f"warm worker {self.name} stopped:\n{tail}")
        return json.loads(line)

    def _send(self, command: str) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def run(self, requests: int) -> None:
        self.timings.extend((index, ns) for index, ns in self._send(f"run {requests}"))

    def finish(self) -> dict[str, Any]:
        peak = self._send("done")
        self.process.wait(timeout=30)
        self._stderr.close()
        return {
            "peak_rss_mb": peak["peak_rss_kb"] / 1024,
            "mutates_input": self.ready["mutates_input"],
        }


def warm_latency(
    plan: Plan,
    work: Path,
    *,
    skill: Target,
    base: dict[str, str],
    skill_events: Path,
    baseline_events: Path,
    kinds: list[str],
) -> dict[str, dict[str, Any]]:
    workers = [
        Worker(
            skill,
            skill_events,
            skill_environment(base, work / "warm.sqlite3"),
            work=work,
            name="skill",
            warmup=plan.warmup,
        ),
        Worker(BASELINE, baseline_events, base, work=work, name="baseline", warmup=plan.warmup),
        Worker(
            skill,
            skill_events,
            skill_environment(base, work / "warm-info.sqlite3", "INFO"),
            work=work,
            name="skill_info_logging",
            warmup=plan.warmup,
        ),
    ]
    for chunk in range(plan.warm_requests // plan.chunk):
        shift = chunk % len(workers)
        for worker in workers[shift:] + workers[:shift]:
            worker.run(plan.chunk)
    results = {}
    for worker in workers:
        ms = [ns / 1e6 for _, ns in worker.timings]
        by_kind: dict[str, list[float]] = {}
        for index, ns in worker.timings:
            by_kind.setdefault(kinds[index], []).append(ns / 1e6)
        results[worker.name] = {
            "requests": len(ms),
            "p50": percentile(ms, 0.50),
            "p90": percentile(ms, 0.90),
            "p99": percentile(ms, 0.99),
            "mean": statistics.fmean(ms),
            "p50_by_request": {kind: percentile(v, 0.5) for kind, v in by_kind.items()},
            **worker.finish(),
        }
    return results


def store_calls(
    work: Path, dynamo: dict[str, str], skill_events: Path, skill: Target
) -> dict[str, Any]:
    env = skill_environment(dynamo, work / "unused.sqlite3")
    found = run_json([script("storecalls.py"), str(skill.code_dir), str(skill_events)], env, work)
    summary: dict[str, Any] = {"warnings": found["warnings"], "sessions": []}
    for listener in ("first-time", "returning"):
        sessions = [s for s in found["sessions"] if s["listener"] == listener]
        reads = [sum(n for op, n in s["calls"].items() if op in READS) for s in sessions]
        writes = [sum(n for op, n in s["calls"].items() if op in WRITES) for s in sessions]
        summary[listener] = {
            "sessions": len(sessions),
            "reads": sum(reads),
            "max_reads_per_session": max(reads),
            "writes": sum(writes),
        }
        summary["sessions"].extend(sessions)
    return summary


def importtime(target: Target, env: dict[str, str], work: Path, runs: int) -> dict[str, Any]:
    """``python -X importtime``: self time by top-level package (median of runs), in ms."""
    per_run: list[dict[str, float]] = []
    cumulative: dict[str, list[float]] = {}
    for _ in range(runs):
        code = f"import sys; sys.path.insert(0, {str(target.code_dir)!r}); import {target.module}"
        done = subprocess.run(
            [PYTHON, "-X", "importtime", "-c", code],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        packages: dict[str, float] = {}
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative_us, name = line.removeprefix("import time:").split("|", 2)
            name = name.strip()
            top = name.split(".")[0]
            packages[top] = packages.get(top, 0.0) + int(self_us) / 1000
            cumulative.setdefault(name, []).append(int(cumulative_us) / 1000)
        per_run.append(packages)
    names = {name for packages in per_run for name in packages}
    by_package = {name: median([p.get(name, 0.0) for p in per_run]) for name in names}
    top_cumulative = sorted(
        ((name, median(values)) for name, values in cumulative.items()),
        key=lambda item: item[1],
        reverse=True,
    )[:15]
    return {"by_package": by_package, "top_cumulative": top_cumulative}


def phases(
    plan: Plan, work: Path, base: dict[str, str], skill_events: Path, skill: Target
) -> dict[str, Any]:
    """The start-up and request steps, as deployed and from a checkout (medians of runs)."""

    def repeated(target: Target, name: str) -> dict[str, float]:
        runs = []
        for number in range(plan.phase_runs):
            env = skill_environment(base, work / f"phases-{name}-{number}.sqlite3")
            if target is CHECKOUT:
                env = checkout_environment(env, work)
            args = [script("phases.py"), str(target.code_dir), str(skill_events)]
            runs.append(run_json([*args, str(plan.phase_warm_rounds)], env, work))
        return {key: median([run[key] for run in runs]) for key in runs[0]}

    return {"deployed": repeated(skill, "deployed"), "checkout": repeated(CHECKOUT, "checkout")}


# ---------------------------------------------------------------------------- the table


def ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def ratio(skill: float, baseline: float) -> str:
    return f"{skill / baseline:.2f}x"


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def rows_for(results: Results) -> list[Row]:
    d = results.details
    rows: list[Row] = []
    cold = d["cold"]
    skill, base = cold["skill"], cold["baseline"]
    total_ratio = skill["total"]["median"] / base["total"]["median"]
    rows.append(
        Row(
            "cold start: process start to first response (embedded store, as deployed)",
            ms(skill["total"]["median"]),
            ms(base["total"]["median"]),
            f"{total_ratio:.2f}x",
            "<= 1.4x",
            verdict(total_ratio <= 1.4),
        )
    )
    checkout = cold["skill_checkout"]
    rows.append(
        Row(
            "  the same from a checkout (templates compiled, TOML parsed at start-up)",
            ms(checkout["total"]["median"]),
            ms(base["total"]["median"]),
            ratio(checkout["total"]["median"], base["total"]["median"]),
        )
    )
    rows.append(
        Row(
            "  of which import + init (process start to handler ready)",
            ms(skill["import_init"]["median"]),
            ms(base["import_init"]["median"]),
            ratio(skill["import_init"]["median"], base["import_init"]["median"]),
        )
    )
    first = skill["first"]["median"]
    rows.append(
        Row(
            "  of which first request after init",
            ms(first),
            ms(base["first"]["median"]),
            ratio(first, base["first"]["median"]),
            "< 5 ms",
            verdict(first < 5),
        )
    )
    if "skill_store_in_memory" in cold:
        in_memory = cold["skill_store_in_memory"]["first"]["median"]
        rows.append(
            Row(
                "  first request with the store's file in memory (no waiting for disk syncs)",
                ms(in_memory),
                ms(base["first"]["median"]),
                ratio(in_memory, base["first"]["median"]),
            )
        )
    warm = d["warm"]
    p50_ratio = warm["skill"]["p50"] / warm["baseline"]["p50"]
    rows.append(
        Row(
            f"warm p50 over {warm['skill']['requests']:,} requests (LOG_LEVEL=WARNING)",
            ms(warm["skill"]["p50"]),
            ms(warm["baseline"]["p50"]),
            f"{p50_ratio:.2f}x",
            "<= 1.1x",
            verdict(p50_ratio <= 1.1),
        )
    )
    rows.append(
        Row(
            "warm p99",
            ms(warm["skill"]["p99"]),
            ms(warm["baseline"]["p99"]),
            ratio(warm["skill"]["p99"], warm["baseline"]["p99"]),
        )
    )
    untouched = {name: not warm[name]["mutates_input"] for name in ("skill", "baseline")}
    rows.append(
        Row(
            "  handler leaves its event untouched (the same dicts are replayed)",
            "yes" if untouched["skill"] else "no (copied outside the timing)",
            "yes" if untouched["baseline"] else "no (copied outside the timing)",
            target="yes",
            verdict=verdict(untouched["skill"]),
        )
    )
    info = warm["skill_info_logging"]
    logging_us = 1000 * (info["p50"] - warm["skill"]["p50"])
    rows.append(
        Row(
            f"warm p50 at the deployed LOG_LEVEL=INFO ({logging_us:+.0f} us: the JSON log line)",
            ms(info["p50"]),
            ms(warm["baseline"]["p50"]),
            ratio(info["p50"], warm["baseline"]["p50"]),
        )
    )
    peak = warm["skill"]["peak_rss_mb"]
    rows.append(
        Row(
            "peak memory (peak RSS, VmHWM, after the warm loop)",
            f"{peak:.1f} MB",
            f"{warm['baseline']['peak_rss_mb']:.1f} MB",
            ratio(peak, warm["baseline"]["peak_rss_mb"]),
            "< 80 MB",
            verdict(peak < 80),
        )
    )
    if "skill_dynamodb" in cold:
        dyn = cold["skill_dynamodb"]
        rows.append(
            Row(
                "cold start with the DynamoDB store (moto server, local)",
                ms(dyn["total"]["median"]),
                ms(base["total"]["median"]),
                ratio(dyn["total"]["median"], base["total"]["median"]),
                "report",
            )
        )
        rows.append(
            Row(
                "  import + init / first request (the client is made during init)",
                f"{ms(dyn['import_init']['median'])} / {ms(dyn['first']['median'])}",
            )
        )
    calls = d.get("store_calls")
    if calls:
        first_time, returning = calls["first-time"], calls["returning"]
        most = max(first_time["max_reads_per_session"], returning["max_reads_per_session"])
        rows.append(
            Row(
                f"DynamoDB reads per session ({first_time['sessions']} sessions a conversation)",
                f"max {most} ({first_time['reads']} + {returning['reads']} in all)",
                target="<= 1",
                verdict=verdict(most <= 1),
            )
        )
        rows.append(
            Row(
                "DynamoDB writes per conversation: first-time / returning listener",
                f"{first_time['writes']} / {returning['writes']}",
                target="returning: 0",
                verdict=verdict(returning["writes"] == 0),
            )
        )
    built: dict[str, Any] | None = d["artifact"]
    if built is None:
        rows.append(Row("artifact zip size", "not built here", target="< 20 MB"))
    else:
        size = built["zipped_bytes"] / MB
        rows.append(
            Row(
                "artifact zip size (tools/package.py, as make package builds it)",
                f"{size:.1f} MB",
                target="< 20 MB",
                verdict=verdict(size < 20),
            )
        )
    rows.append(
        Row(
            "session attributes sent back (largest, compact JSON)",
            f"{max(d['attribute_bytes'])} B",
            "2 B",
        )
    )
    return rows


def print_table(results: Results) -> None:
    header = ("metric", "skill", "baseline", "ratio", "target", "")
    lines = [header, *((r.metric, r.skill, r.baseline, r.ratio, r.target, r.verdict)
                       for r in results.rows)]  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    m = results.machine
    print(
        f"machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"Python {m['python']}, {m['platform']}; load {m['load_at_start']} at start; {m['date']}"
    )
    plan = results.plan
    print(
        f"runs: cold {plan['cold_runs']} each (medians, interleaved), warm "
        f"{plan['warm_requests']:,} requests each in chunks of {plan['chunk']} (alternating)"
    )
    print()
    for index, line in enumerate(lines):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print()
    print_breakdown(results)


def print_breakdown(results: Results) -> None:
    d = results.details
    deployed, checkout = d["phases"]["deployed"], d["phases"]["checkout"]
    print("where the cold start goes (medians of fresh processes, ms; deployed / checkout):")
    cold = d["cold"]
    print(
        f"  process start to the driver's first line (interpreter): skill "
        f"{cold['skill']['interpreter']['median']:.1f}, baseline "
        f"{cold['baseline']['interpreter']['median']:.1f}; second request in the cold process: "
        f"skill {cold['skill']['second']['median']:.2f}, baseline "
        f"{cold['baseline']['second']['median']:.2f}"
    )
    steps = [
        ("imports (SDK, jinja2, aftercare)", "import"),
        ("config and logging", "config_and_logging"),
        ("content: Library", "content_library"),
        (f"templates: {deployed['templates']:.0f} loaded", "templates_load"),
        ("apologies rendered", "apologies"),
        ("SDK skill built", "build_skill"),
        (f"SDK primed ({deployed['primed_modules']:.0f} model modules)", "prime"),
        ("apology checked by the guard", "apology_guard"),
    ]
    for label, key in steps:
        print(f"  init     {label:<44} {deployed[key]:7.2f} / {checkout[key]:7.2f}")
    for step in ("read", "invoke", "serialize", "guard"):
        print(
            f"  request  {step:<44} first {deployed['first_' + step]:7.2f}   "
            f"warm {deployed['warm_' + step]:6.3f}"
        )
    print(f"  the first request imported {deployed['first_new_modules']:.0f} more modules")
    print(
        f"  embedded store: first read (creates the file and table) "
        f"{deployed['store_first_read_new_file']:.2f}, a write {deployed['store_write']:.2f}, "
        f"a read {deployed['store_read']:.3f}"
    )
    print(
        f"  a topic answer (speech, reprompt, card): rendered {deployed['render_fresh']:.3f}, "
        f"from the renderer's memory {deployed['render_remembered']:.3f}"
    )
    skill_imports, base_imports = d["importtime"]["skill"], d["importtime"]["baseline"]
    print("import self time by top-level package, -X importtime (ms; skill vs baseline):")
    packages = sorted(skill_imports["by_package"].items(), key=lambda item: item[1], reverse=True)[
        :14
    ]
    for name, value in packages:
        print(f"  {name:<28} {value:7.1f}   {base_imports['by_package'].get(name, 0.0):7.1f}")
    print(
        f"  {'all':<28} {sum(skill_imports['by_package'].values()):7.1f}   "
        f"{sum(base_imports['by_package'].values()):7.1f}"
    )
    warm = d["warm"]
    print("warm p50 by request (ms; skill / baseline):")
    for kind, value in warm["skill"]["p50_by_request"].items():
        base_value = warm["baseline"]["p50_by_request"][kind]
        print(f"  {kind:<28} {value:6.3f} / {base_value:6.3f}  ({d['baseline_kind'][kind]})")
    built = d["artifact"]
    if built:
        largest = ", ".join(f"{name} {size / MB:.1f}" for name, size in built["largest"])
        print(f"artifact: {built['source']}; {built['unzipped_bytes'] / MB:.1f} MB unzipped; "
              f"largest zipped (MB): {largest}")  # fmt: skip
        print(
            f"  without boto3/botocore/s3transfer/jmespath (the runtime's boto3 instead): "
            f"~{built['without_boto_bytes'] / MB:.1f} MB"
        )
    if d.get("store_calls", {}).get("warnings"):
        print(f"store warnings: {d['store_calls']['warnings'][:3]}")


# ---------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer runs: a smoke test")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    results = Results(machine=machine(), plan=asdict(plan))
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-") as temporary:
        work = Path(temporary)
        base = base_environment()
        say("laying the skill out as the artifact does; recording the conversation mix")
        skill = deployed_layout(work)
        skill_events, baseline_events, kinds, sizes = record_conversations(work)
        results.details["conversation"] = kinds
        results.details["attribute_bytes"] = sizes
        results.details["baseline_kind"] = {
            kind: conversation.BASELINE_INTENT.get(kind, kind) for kind in kinds
        }
        with dynamodb_server(base) as dynamo:
            say(f"cold starts: {plan.cold_runs} runs of each, interleaved")
            results.details["cold"] = cold_starts(
                plan,
                work,
                skill=skill,
                base=base,
                dynamo=dynamo,
                skill_event=first_event(skill_events, work),
                baseline_event=first_event(baseline_events, work),
            )
            if dynamo is not None:
                say("DynamoDB calls per conversation")
                results.details["store_calls"] = store_calls(work, dynamo, skill_events, skill)
        say(f"warm latency: {plan.warm_requests:,} requests each, alternating")
        results.details["warm"] = warm_latency(
            plan,
            work,
            skill=skill,
            base=base,
            skill_events=skill_events,
            baseline_events=baseline_events,
            kinds=kinds,
        )
        say("where the time goes")
        results.details["phases"] = phases(plan, work, base, skill_events, skill)
        results.details["importtime"] = {
            "skill": importtime(
                skill, skill_environment(base, work / "it.sqlite3"), work, plan.importtime_runs
            ),
            "baseline": importtime(BASELINE, base, work, plan.importtime_runs),
        }
        say("artifact size")
        built: Artifact | None = artifact(REPO)
        results.details["artifact"] = asdict(built) if built else None
    results.machine["load_at_end"] = [round(load, 2) for load in os.getloadavg()]
    results.rows = rows_for(results)
    if args.json:
        print(json.dumps(asdict(results), indent=2))
    else:
        print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
