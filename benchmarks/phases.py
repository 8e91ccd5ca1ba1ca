"""Where the skill's cold start and requests go, step by step, in one fresh process.

Run as a script by ``benchmarks.run``: ``phases.py CODE_DIR EVENTS_JSON WARM_ROUNDS``. CODE_DIR is
the skill as the artifact lays it out (templates compiled, content parsed) or a checkout's
``lambda/``. Prints one JSON object of durations (ms) and counts.

The start-up steps repeat ``aftercare.skill.build_handler`` one by one (import, config and
logging, content, templates, apologies, the SDK skill, priming the serializer), then the steps of
a request (reading the event, the skill, serialising, the guard) for the first request and warm
over the conversation mix (median per step). They mirror the Lambda handler's body, so their sum
is close to, not exactly, what the handler does; if ``build_handler`` changes, change this too.
Then what the embedded store's first use costs, and what a render costs from memory and fresh.
"""

from __future__ import annotations

import sys
import time

# The typing module is not imported for real: this process times what the skill imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def since(start: int) -> float:
    return (time.monotonic_ns() - start) / 1e6


def store_costs(event: dict[str, Any]) -> dict[str, float]:
    """What the embedded store's first use costs: opening a new file, one write, one read."""
    import tempfile
    from pathlib import Path

    from aftercare.config import Config
    from aftercare.envelope import EnvelopeSerializer
    from aftercare.persistence import make_store

    envelope = EnvelopeSerializer().read(event)
    with tempfile.TemporaryDirectory() as folder:
        config = Config.from_env({"LOCAL_STORE_PATH": str(Path(folder) / "store.sqlite3")})
        store = make_store(config)
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


def render_costs(renderer: Any, library: Any) -> dict[str, float]:
    """One topic answer (speech, reprompt, card), warm: rendered afresh by a renderer that
    remembers nothing, then the same again from its memory (median of repeats, ms)."""
    from aftercare.speech import Said, Voice

    content = library.for_locale("en-US")
    topic = content.topic("what_is")

    def answer() -> int:
        voice = Voice(content, renderer, lambda options: options[0])
        start = time.perf_counter_ns()
        voice.ssml("topic", paragraphs=topic.answer, next=topic.offer, done=False)
        voice.ssml("offer", next=topic.offer)
        voice.text("topic", paragraphs=(*topic.answer, *topic.more))
        return time.perf_counter_ns() - start

    fresh, remembered = [], []
    for _ in range(201):
        renderer.said = Said()
        fresh.append(answer())
        remembered.append(answer())
    return {
        "render_fresh": sorted(fresh)[100] / 1e6,
        "render_remembered": sorted(remembered)[100] / 1e6,
    }


def main() -> None:  # noqa: PLR0915  (one straight line of measured steps reads best)
    code_dir, events_path, warm_rounds = sys.argv[1:]
    sys.path.insert(0, code_dir)
    out: dict[str, float | int] = {}

    # Everything the skill imports is inside this step (json included), as in the Lambda handler.
    start = time.monotonic_ns()
    import json

    from ask_sdk_model import ResponseEnvelope

    from aftercare import guard, logs
    from aftercare.config import Config
    from aftercare.content import Library, find_content_dir
    from aftercare.envelope import EnvelopeSerializer, prime
    from aftercare.persistence import make_store
    from aftercare.skill import Apologies, build_skill
    from aftercare.speech import Renderer

    out["import"] = since(start)
    out["modules_after_import"] = len(sys.modules)

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
    out["templates_load"] = since(start)
    out["templates"] = len(renderer.templates)
    out["templates_compiled"] = int(renderer.env.loader.__class__.__name__ == "ModuleLoader")
    start = time.monotonic_ns()
    apologies = Apologies(library, renderer)
    out["apologies"] = since(start)
    start = time.monotonic_ns()
    store = make_store(config)
    store.connect()
    out["store_connect"] = since(start)
    start = time.monotonic_ns()
    skill = build_skill(config, store, library, renderer, apologies)
    serializer = EnvelopeSerializer()
    out["build_skill"] = since(start)
    start = time.monotonic_ns()
    before_priming = len(sys.modules)
    prime(serializer)
    out["prime"] = since(start)
    out["primed_modules"] = len(sys.modules) - before_priming
    start = time.monotonic_ns()
    for locale in library.locales:
        apology = ResponseEnvelope(version="1.0", response=apologies.response(locale))
        guard.problems(serializer.serialize(apology), "LaunchRequest")
    out["apology_guard"] = since(start)

    with open(events_path, encoding="utf-8") as handle:
        events = json.load(handle)

    steps = ("read", "invoke", "serialize", "guard")

    def request(event: dict[str, object]) -> dict[str, float]:
        """The Lambda handler's steps for one request, each timed (ms)."""
        laps: list[int] = [time.perf_counter_ns()]
        envelope = serializer.read(event)
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
    for _ in range(int(warm_rounds)):
        for event in events:
            for step, ms in request(event).items():
                warm[step].append(ms)
    for step, values in warm.items():
        out[f"warm_{step}"] = sorted(values)[len(values) // 2]
    out.update(store_costs(events[0]))
    out.update(render_costs(renderer, library))
    print(json.dumps(out))


main()
