"""Cold start driver: one fresh process imports a Lambda handler and answers one request.

Run as a script by ``benchmarks.run`` (never imported): ``cold.py CODE_DIR MODULE ATTRIBUTE
EVENT_JSON``. It prints one JSON line of CLOCK_MONOTONIC stamps (ns), which
the parent compares with the moment it started the process. Nothing but ``time`` and ``sys`` is
loaded before the handler's own import, so import+init is what the target itself pulls in.
"""

import sys
import time

MAIN = time.monotonic_ns()


def main() -> None:
    code_dir, module_name, attribute, event_path = sys.argv[1:]
    sys.path.insert(0, code_dir)
    handler = getattr(__import__(module_name), attribute)
    ready = time.monotonic_ns()

    import json

    from peak_memory import peak_rss_kb

    with open(event_path, encoding="utf-8") as handle:
        event = json.load(handle)
    first_start = time.monotonic_ns()
    answer = handler(event, None)
    first_end = time.monotonic_ns()
    handler(event, None)
    second_end = time.monotonic_ns()
    print(
        json.dumps(
            {
                "main": MAIN,
                "ready": ready,
                "first_start": first_start,
                "first_end": first_end,
                "second_ns": second_end - first_end,
                "answered": "response" in answer,
                "peak_rss_kb": peak_rss_kb(),
            }
        )
    )


main()
