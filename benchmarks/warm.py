"""Warm latency worker: one long-lived process per target, driven over stdin by the parent.

Run as a script by ``benchmarks.run``: ``warm.py CODE_DIR MODULE ATTRIBUTE EVENTS_JSON WARMUP``.
After building the handler it checks that the handler leaves its input untouched (so the same
dicts can be passed again), warms up, prints a ``ready`` line, then answers commands:
``run N`` times the next N requests of the conversation, in order and cyclically, and prints
``[[index, ns], ...]``; ``done`` prints the peak resident memory and exits. The parent
alternates workers chunk by chunk so the skill and the baseline share the machine's noise.
"""

import copy
import json
import sys
import time
from typing import Any

from peak_memory import peak_rss_kb


def main() -> None:
    code_dir, module_name, attribute, events_path, warmup = sys.argv[1:]
    sys.path.insert(0, code_dir)
    handler = getattr(__import__(module_name), attribute)
    with open(events_path, encoding="utf-8") as handle:
        events: list[dict[str, Any]] = json.load(handle)

    pristine = copy.deepcopy(events)
    for event in events:
        handler(event, None)
    mutates = events != pristine
    events = pristine
    # A handler that changes its input gets a fresh copy each time, made outside the timing.
    fresh = copy.deepcopy if mutates else (lambda event: event)

    position = 0
    for _ in range(int(warmup)):
        handler(fresh(events[position % len(events)]), None)
        position += 1
    print(json.dumps({"ready": True, "mutates_input": mutates}), flush=True)

    clock = time.perf_counter_ns
    for line in sys.stdin:
        command = line.split()
        if command[0] == "done":
            break
        timings = []
        for _ in range(int(command[1])):
            index = position % len(events)
            event = fresh(events[index])
            started = clock()
            handler(event, None)
            timings.append((index, clock() - started))
            position += 1
        print(json.dumps(timings), flush=True)
    print(json.dumps({"peak_rss_kb": peak_rss_kb()}), flush=True)


main()
