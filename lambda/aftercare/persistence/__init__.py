"""Where profiles are kept: the SDK's persistence-adapter interface, two implementations.

The embedded store (SQLite, a local file) is the default and what ``make chat`` uses; DynamoDB is
used when ``TABLE_NAME`` is set. Both key records by a keyed hash of the Alexa user id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aftercare.config import Config
from aftercare.persistence.embedded import EmbeddedStore

if TYPE_CHECKING:
    from aftercare.persistence.dynamodb import DynamoDBStore


def make_store(config: Config) -> EmbeddedStore | DynamoDBStore:
    """The configured store; its ``connect()`` is called once at start-up."""
    if config.table_name:
        # Imported here so the embedded default never pays for importing boto3.
        from aftercare.persistence.dynamodb import DynamoDBStore

        return DynamoDBStore(config.table_name, config.user_key_secret, config.keep_for_seconds)
    return EmbeddedStore(config.local_store_path, config.user_key_secret, config.keep_for_seconds)
