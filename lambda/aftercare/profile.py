"""What the skill remembers about a listener between sessions: progress and preferences only.

Never anything the listener said. PRIVACY.md lists these fields; keep the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass
class Profile:
    disclaimer_heard: bool = False
    """The "educational, not medical advice" sentence was spoken once."""

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> Profile:
        attrs = attributes if isinstance(attributes, Mapping) else {}
        heard = attrs.get("disclaimer_heard")
        return cls(disclaimer_heard=heard if isinstance(heard, bool) else False)

    def to_attributes(self) -> dict[str, Any]:
        return {"disclaimer_heard": self.disclaimer_heard}
