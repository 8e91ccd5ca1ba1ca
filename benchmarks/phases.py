"""Where the skill's cold start goes, phase by phase, in one fresh process.

Run as a script by ``benchmarks.run``: ``phases.py MODE LAMBDA_DIR EVENTS_JSON ARGS...``. Prints
one JSON object of durations (ms) and counts.

- ``plain WARM_ROUNDS``: the start-up steps of ``aftercare.skill.build_handler`` one by one
  (import, config and logging, content, templates, apologies, the SDK skill), then the steps of a
  request (JSON round trip, deserialising, the skill, serialising, the guard) for the first
  request, and warm over the conversation mix (median per step). The steps mirror the Lambda
  handler's body, so their sum is close to, not exactly, what the handler does. Then what the
  embedded store's first use costs, and deserialising a request without the SDK's avoidable
  costs (see ``warm_probes``).
- ``prime PRIME_JSON``: the same start-up, then the SDK's serializer primed by deserialising a
  few canned envelopes and serialising a response (what the skill could do during init), then
  the first request.
- ``jinja-module COMPILED_DIR NAMES_JSON``: loading every template precompiled with
  ``Environment.compile_templates`` through a ``ModuleLoader``, instead of compiling them.
"""

from __future__ import annotations

import sys
import time

# The typing module is not imported for real: this process times what the skill imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def since(start: int) -> float:
    return (time.monotonic_ns() - start) / 1e6


def store_costs(event: dict[str, Any]) -> dict[str, float]:
    """What the embedded store's first use costs: opening a new file, one write, one read."""
    import json
    import tempfile
    from pathlib import Path

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from aftercare.persistence.embedded import EmbeddedStore

    envelope = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "store.sqlite3", b"benchmark")
        start = time.perf_counter_ns()
        store.get_attributes(envelope)
        opened = time.perf_counter_ns()
        store.save_attributes(envelope, {"disclaimer_heard": True})
        saved = time.perf_counter_ns()
        store.get_attributes(envelope)
        read = time.perf_counter_ns()
    return {
        "store_first_read_new_file": (opened - start) / 1e6,
        "store_write": (saved - opened) / 1e6,
        "store_read": (read - saved) / 1e6,
    }


def warm_probes(events: list[dict[str, Any]]) -> dict[str, float]:
    """Deserialising a request four ways, warm (median over the mix, ms).

    The SDK's handler turns the event dict into JSON and parses it again, and parses the request
    timestamp with dateutil. The variants call the serializer's own (name-mangled) model walk on
    the dict, and parse the timestamp with ``datetime.fromisoformat``; each result is checked to
    equal the SDK's.
    """
    import json
    from datetime import date, datetime

    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    class IsoTimestamps(DefaultSerializer):
        def _DefaultSerializer__deserialize_datetime(  # noqa: N802  (overrides the SDK's)
            self, payload: str, obj_type: type
        ) -> date:
            return (datetime if obj_type is datetime else date).fromisoformat(payload)

    sdk, iso = DefaultSerializer(), IsoTimestamps()
    # The model walk that deserialize() runs after json.loads (private, hence the mangled name).
    walk_sdk: Any = sdk._DefaultSerializer__deserialize  # type: ignore[attr-defined]
    walk_iso: Any = iso._DefaultSerializer__deserialize  # type: ignore[attr-defined]
    variants: dict[str, Callable[[dict[str, Any]], object]] = {
        "sdk": lambda e: sdk.deserialize(json.dumps(e), RequestEnvelope),
        "no_round_trip": lambda e: walk_sdk(e, RequestEnvelope),
        "iso_timestamp": lambda e: iso.deserialize(json.dumps(e), RequestEnvelope),
        "both": lambda e: walk_iso(e, RequestEnvelope),
    }
    out = {}
    for name, variant in variants.items():
        if any(variant(e) != variants["sdk"](e) for e in events):
            raise AssertionError(f"deserialising {name} gives another envelope")
        laps = []
        for _ in range(50):
            for event in events:
                start = time.perf_counter_ns()
                variant(event)
                laps.append(time.perf_counter_ns() - start)
        out[f"probe_deserialize_{name}"] = sorted(laps)[len(laps) // 2] / 1e6
    return out


def main() -> None:  # noqa: PLR0915  (one straight line of measured steps reads best)
    mode, lambda_dir, events_path, *extra = sys.argv[1:]
    sys.path.insert(0, lambda_dir)
    out: dict[str, float | int] = {}

    # Everything the skill imports is inside this step (json included), as in the Lambda handler.
    start = time.monotonic_ns()
    import json

    from ask_sdk_model import RequestEnvelope

    from aftercare import guard, logs
    from aftercare.config import Config
    from aftercare.content import Library, find_content_dir
    from aftercare.skill import Apologies, build_skill
    from aftercare.speech import Renderer

    out["import"] = since(start)
    out["modules_after_import"] = len(sys.modules)

    if mode == "jinja-module":
        from jinja2 import Environment, ModuleLoader, StrictUndefined, select_autoescape

        start = time.monotonic_ns()
        env = Environment(
            loader=ModuleLoader(extra[0]),
            autoescape=select_autoescape(
                enabled_extensions=("ssml.j2",),
                disabled_extensions=("txt.j2",),
                default_for_string=True,
                default=True,
            ),
            undefined=StrictUndefined,
            auto_reload=False,
            cache_size=-1,
        )
        names = json.loads(extra[1])
        for name in names:
            env.get_template(name)
        out["templates_module_loader"] = since(start)
        out["templates"] = len(names)
        print(json.dumps(out))
        return

    start = time.monotonic_ns()
    config = Config.from_env()
    logs.configure(config.log_level, on_lambda=config.on_lambda)
    out["config_and_logging"] = since(start)
    start = time.monotonic_ns()
    content_dir = find_content_dir()
    library = Library(content_dir)
    out["content_library"] = since(start)
    start = time.monotonic_ns()
    renderer = Renderer(content_dir)
    out["templates_compile"] = since(start)
    out["templates"] = len(renderer.templates)
    start = time.monotonic_ns()
    apologies = Apologies(library, renderer)
    out["apologies"] = since(start)
    start = time.monotonic_ns()
    skill = build_skill(config, library, renderer, apologies)
    serializer = skill.serializer
    out["build_skill"] = since(start)

    with open(events_path, encoding="utf-8") as handle:
        events = json.load(handle)

    if mode == "prime":
        from ask_sdk_model import Response, ResponseEnvelope
        from ask_sdk_model.ui import SimpleCard, SsmlOutputSpeech

        with open(extra[0], encoding="utf-8") as handle:
            canned = json.load(handle)
        start = time.monotonic_ns()
        for envelope in canned:
            serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        speech = SsmlOutputSpeech(ssml="<speak>ready</speak>")
        response = Response(output_speech=speech, card=SimpleCard(title="t", content="c"))
        serializer.serialize(ResponseEnvelope(version="1.0", response=response))
        out["prime"] = since(start)

    steps = ("json_dumps", "json_loads", "deserialize", "invoke", "serialize", "guard")

    def request(event: dict[str, object]) -> dict[str, float]:
        """The Lambda handler's steps for one request, each timed (ms)."""
        laps: list[int] = [time.perf_counter_ns()]
        payload = json.dumps(event)
        laps.append(time.perf_counter_ns())
        json.loads(payload)  # timed alone: the SDK's deserialize starts with this same parse
        laps.append(time.perf_counter_ns())
        envelope = serializer.deserialize(payload, RequestEnvelope)
        laps.append(time.perf_counter_ns())
        answer = skill.invoke(envelope, None)
        laps.append(time.perf_counter_ns())
        result = serializer.serialize(answer)
        laps.append(time.perf_counter_ns())
        guard.problems(result, str(envelope.request.object_type))
        laps.append(time.perf_counter_ns())
        return {step: (laps[i + 1] - laps[i]) / 1e6 for i, step in enumerate(steps)}

    before = len(sys.modules)
    for step, ms in request(events[0]).items():
        out[f"first_{step}"] = ms
    out["first_new_modules"] = len(sys.modules) - before

    warm: dict[str, list[float]] = {step: [] for step in steps}
    for _ in range(int(extra[-1]) if mode == "plain" else 0):
        for event in events:
            for step, ms in request(event).items():
                warm[step].append(ms)
    for step, values in warm.items():
        if values:
            out[f"warm_{step}"] = sorted(values)[len(values) // 2]
    if mode == "plain":
        out.update(store_costs(events[0]))
        out.update(warm_probes(events))
    print(json.dumps(out))


main()
