"""Reading slots as Alexa fills them, including entity resolution of custom slot types."""

from __future__ import annotations

from ask_sdk_model import Slot

MATCH = "ER_SUCCESS_MATCH"


def resolved_id(slot: Slot | None) -> str | None:
    """The id of the custom slot value Alexa resolved, or None when nothing matched."""
    resolutions = slot.resolutions if slot else None
    for authority in (resolutions.resolutions_per_authority or []) if resolutions else []:
        status = authority.status.code.value if authority.status and authority.status.code else ""
        if status == MATCH and authority.values:
            value = authority.values[0].value
            if value is not None and value.id:
                return str(value.id)
    return None
