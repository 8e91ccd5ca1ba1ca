"""DynamoDB calls per conversation: the skill against a DynamoDB-speaking server, calls counted.

Run as a script by ``benchmarks.run`` with TABLE_NAME and AWS_ENDPOINT_URL_DYNAMODB set:
``storecalls.py CODE_DIR EVENTS_JSON``. Every call the skill's boto3 client makes is counted by a
botocore ``before-call`` hook on the default session (the store makes its client from it), so
nothing in the skill is patched. The conversation is played twice for a new listener: first-time,
then returning. Prints one JSON line: per session, the calls by operation, and any warning the
skill logged (a store it could not reach would otherwise look like a store it never called).
"""

import json
import logging
import sys
import uuid
from collections import Counter
from typing import Any

import boto3


def main() -> None:
    code_dir, events_path = sys.argv[1:]
    calls: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    boto3.setup_default_session()
    assert boto3.DEFAULT_SESSION is not None
    boto3.DEFAULT_SESSION.events.register("before-call.dynamodb", count)

    sys.path.insert(0, code_dir)
    from lambda_function import handler

    failures: list[str] = []
    warnings = logging.Handler(logging.WARNING)
    warnings.emit = lambda record: failures.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger().addHandler(warnings)

    with open(events_path, encoding="utf-8") as handle:
        events: list[dict[str, Any]] = json.load(handle)
    user_id = f"amzn1.ask.account.BENCH-{uuid.uuid4()}"
    for event in events:
        event["session"]["user"]["userId"] = user_id
        event["context"]["System"]["user"]["userId"] = user_id

    sessions: list[dict[str, Any]] = []
    for listener in ("first-time", "returning"):
        for event in events:
            if event["session"]["new"]:
                calls.clear()
                kinds: list[str] = []
                sessions.append({"listener": listener, "kinds": kinds, "calls": calls.copy()})
            request = event["request"]
            kinds.append(request["intent"]["name"] if "intent" in request else request["type"])
            handler(event, None)
            sessions[-1]["calls"] = dict(calls)
    print(json.dumps({"sessions": sessions, "warnings": failures}))


main()
