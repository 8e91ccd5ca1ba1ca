"""Profiles in DynamoDB, for deployments (``TABLE_NAME`` set).

boto3 is imported and the client made on first use, not at start-up, and the client has short
timeouts and one retry: Alexa waits eight seconds for the whole answer, and a store that does
not answer must leave time to say something anyway (see ``_dynamodb``).

Writes are conditional (``aftercare.persistence.records``): an older write never overwrites a
newer one.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from aftercare.persistence.keys import user_key
from aftercare.persistence.records import (
    Record,
    StaleWrite,
    based_on,
    decoded,
    failure_name,
    stamp_of,
)

log = logging.getLogger(__name__)

KEY = "user_key"
ATTRIBUTES = "attributes"
UPDATED_AT = "updated_at"
WRITTEN_AT = "written_at"
"""The write's stamp, the request's time in milliseconds: what orders writes."""
EXPIRES_AT = "expires_at"
"""The table's TTL attribute: DynamoDB deletes an item some time after this moment."""

CONNECT_TIMEOUT_S = 0.5
READ_TIMEOUT_S = 1.0
ATTEMPTS = 2
"""In the region a DynamoDB call takes milliseconds, so these only bound a failing one: at worst
two attempts of a second each, plus botocore's backoff between them (under a second after a
throttle, 25 ms otherwise), about 2 s of Lambda's 7. The skill makes at most one failing call
per request (``Turn``), so a listener always hears an answer well within Alexa's 8 s."""


def _number(item: dict[str, Any], name: str) -> int:
    text = item.get(name, {}).get("N")
    try:
        return int(float(text)) if text is not None else 0
    except ValueError:
        return 0


class DynamoDBStore(AbstractPersistenceAdapter):
    def __init__(self, table_name: str, secret: bytes, keep_for_seconds: int) -> None:
        self.table_name = table_name
        self.secret = secret
        self.keep_for_seconds = keep_for_seconds
        self._client: Any = None

    def connect(self) -> None:
        """Import boto3 and make the client at start-up, not in a listener's first request.

        Making a client calls nothing on the network; a failure (no region, say) is logged and
        the client is made again on first use.
        """
        try:
            self._dynamodb()
        except Exception as error:
            log.warning("DynamoDB client not ready at start-up: %s", type(error).__name__)

    def _dynamodb(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config as BotoConfig

            self._client = boto3.client(
                "dynamodb",
                # Honour AWS_ENDPOINT_URL_DYNAMODB (local servers, tests) like every AWS SDK does.
                endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
                config=BotoConfig(
                    connect_timeout=CONNECT_TIMEOUT_S,
                    read_timeout=READ_TIMEOUT_S,
                    retries={"total_max_attempts": ATTEMPTS, "mode": "standard"},
                ),
            )
        return self._client

    def _read(self, key: str) -> Record:
        item = (
            self._dynamodb()
            .get_item(TableName=self.table_name, Key={KEY: {"S": key}}, ConsistentRead=True)
            .get("Item")
        ) or {}
        written_at = _number(item, WRITTEN_AT)
        # TTL deletion runs up to days late: an expired record already counts as gone, but keeps
        # its stamp, so a write based on reading it succeeds.
        expires_at = item.get(EXPIRES_AT, {}).get("N")
        if ATTRIBUTES not in item or (expires_at is not None and float(expires_at) <= time.time()):
            return Record({}, written_at)
        return Record(decoded(item[ATTRIBUTES]["S"]), written_at)

    def get_attributes(self, request_envelope: RequestEnvelope) -> Record:
        return self._read(user_key(request_envelope, self.secret))

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Write the record unless a newer one is stored (or, for a ``Record``, unless the
        record changed since it was read); then raise ``StaleWrite`` with the stored one."""
        key = user_key(request_envelope, self.secret)
        stamp, base = stamp_of(request_envelope), based_on(attributes)
        values = {":stamp": {"N": str(stamp)}}
        if base is None:
            condition = f"attribute_not_exists({WRITTEN_AT}) OR {WRITTEN_AT} <= :stamp"
        elif base == 0:
            condition, values = f"attribute_not_exists({WRITTEN_AT})", {}
        else:
            condition = f"{WRITTEN_AT} = :base AND {WRITTEN_AT} <= :stamp"
            values[":base"] = {"N": str(base)}
        now = int(time.time())
        try:
            self._dynamodb().put_item(
                TableName=self.table_name,
                Item={
                    KEY: {"S": key},
                    ATTRIBUTES: {"S": json.dumps(attributes, separators=(",", ":"))},
                    UPDATED_AT: {"N": str(now)},
                    WRITTEN_AT: {"N": str(stamp)},
                    EXPIRES_AT: {"N": str(now + self.keep_for_seconds)},
                },
                ConditionExpression=condition,
                **({"ExpressionAttributeValues": values} if values else {}),
            )
        except Exception as error:
            if failure_name(error) != "ConditionalCheckFailedException":
                raise
            raise StaleWrite(self._read(key)) from None

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self._dynamodb().delete_item(
            TableName=self.table_name, Key={KEY: {"S": user_key(request_envelope, self.secret)}}
        )
