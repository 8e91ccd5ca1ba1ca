"""What the skill remembers about a listener between sessions: progress and preferences only.

Never anything the listener said. PRIVACY.md lists these fields; keep the two in step.

``Turn.profile()`` reads it from the store once per session and keeps it in the session state;
``Turn.save_profile()`` writes it back only when something in it changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from aftercare.winddown import Progress


@dataclass
class Profile:
    disclaimer_heard: bool = False
    """The "educational, not medical advice" sentence was spoken once."""
    winddown: Progress | None = None
    """An unfinished wind-down: its length, company, part and pace, to resume it later."""
    winddown_saved_at: int = 0
    """When that progress was saved, in seconds since 1970 (from the request's timestamp)."""
    quiet: bool = False
    """Discreet mode: a whispered voice, and sensitive details on the card rather than aloud."""

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> Profile:
        attrs = attributes if isinstance(attributes, Mapping) else {}
        heard = attrs.get("disclaimer_heard")
        stored = attrs.get("winddown")
        progress = Progress.from_attributes(stored)
        saved_at = stored.get("saved_at") if isinstance(stored, Mapping) else None
        if isinstance(saved_at, bool) or not isinstance(saved_at, int) or progress is None:
            saved_at = 0
        quiet = attrs.get("quiet")
        return cls(
            disclaimer_heard=heard if isinstance(heard, bool) else False,
            quiet=quiet if isinstance(quiet, bool) else False,
            winddown=replace(progress, paused=False) if progress else None,
            winddown_saved_at=max(saved_at, 0),
        )

    def needs_saving(self, stored: Profile) -> bool:
        """Whether this differs from what is stored in more than when it was saved."""
        return replace(self, winddown_saved_at=stored.winddown_saved_at) != stored

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"disclaimer_heard": self.disclaimer_heard}
        if self.quiet:
            attributes["quiet"] = True
        if self.winddown is not None:
            attributes["winddown"] = {
                **replace(self.winddown, paused=False).to_attributes(),
                "saved_at": self.winddown_saved_at,
            }
        return attributes
