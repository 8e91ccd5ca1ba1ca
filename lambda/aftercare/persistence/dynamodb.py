"""Profiles in DynamoDB, for deployments (``TABLE_NAME`` set).

boto3 is imported and the client made on first use, not at start-up, and the client has short
timeouts and few retries: Alexa waits eight seconds for the whole answer.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from aftercare.persistence.keys import user_key

KEY = "user_key"
ATTRIBUTES = "attributes"
UPDATED_AT = "updated_at"
EXPIRES_AT = "expires_at"
"""The table's TTL attribute: DynamoDB deletes an item some time after this moment."""


class DynamoDBStore(AbstractPersistenceAdapter):
    def __init__(self, table_name: str, secret: bytes, keep_for_seconds: int) -> None:
        self.table_name = table_name
        self.secret = secret
        self.keep_for_seconds = keep_for_seconds
        self._client: Any = None

    def _dynamodb(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config as BotoConfig

            self._client = boto3.client(
                "dynamodb",
                # Honour AWS_ENDPOINT_URL_DYNAMODB (local servers, tests) like every AWS SDK does.
                endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
                config=BotoConfig(
                    connect_timeout=1,
                    read_timeout=1,
                    retries={"max_attempts": 2, "mode": "standard"},
                ),
            )
        return self._client

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        item = (
            self._dynamodb()
            .get_item(
                TableName=self.table_name,
                Key={KEY: {"S": user_key(request_envelope, self.secret)}},
                ConsistentRead=True,
            )
            .get("Item")
        )
        if not item or ATTRIBUTES not in item:
            return {}
        # TTL deletion runs up to days late; an expired record already counts as gone.
        expires_at = item.get(EXPIRES_AT, {}).get("N")
        if expires_at is not None and float(expires_at) <= time.time():
            return {}
        value = json.loads(item[ATTRIBUTES]["S"])
        return value if isinstance(value, dict) else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        now = int(time.time())
        self._dynamodb().put_item(
            TableName=self.table_name,
            Item={
                KEY: {"S": user_key(request_envelope, self.secret)},
                ATTRIBUTES: {"S": json.dumps(attributes, separators=(",", ":"))},
                UPDATED_AT: {"N": str(now)},
                EXPIRES_AT: {"N": str(now + self.keep_for_seconds)},
            },
        )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self._dynamodb().delete_item(
            TableName=self.table_name, Key={KEY: {"S": user_key(request_envelope, self.secret)}}
        )
