"""The storage key of a listener: never the raw Alexa user id."""

from __future__ import annotations

import hashlib
import hmac

from ask_sdk_model import RequestEnvelope


def user_id_of(envelope: RequestEnvelope) -> str:
    system = envelope.context.system if envelope.context else None
    user = system.user if system else None
    if user is None and envelope.session is not None:
        user = envelope.session.user
    if user is None or not user.user_id:
        raise LookupError("the request carries no user id")
    return str(user.user_id)


def user_key(envelope: RequestEnvelope, secret: bytes) -> str:
    """HMAC-SHA256 of the user id under the deployer's secret, as hex."""
    return hmac.new(secret, user_id_of(envelope).encode(), hashlib.sha256).hexdigest()
