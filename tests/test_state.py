"""Session state survives whatever Alexa hands back: wrong types, old versions, nothing at all."""

from __future__ import annotations

from typing import Any

import pytest

from aftercare.profile import Profile
from aftercare.state import LastReply, SessionState


def test_a_round_trip_keeps_everything() -> None:
    state = SessionState(
        topic="why",
        depth=1,
        offer="idea",
        asked_what_else=True,
        ideas_heard=["blanket", "water"],
        last=LastReply("<s>Hi</s>", "<s>Well?</s>", "Title", "Text"),
    )
    assert SessionState.from_attributes(state.to_attributes()) == state


def test_defaults_are_left_out_to_keep_attributes_small() -> None:
    assert SessionState().to_attributes() == {"v": 1}


@pytest.mark.parametrize(
    "attributes",
    [
        None,
        {},
        {"topic": 5, "depth": "deep", "offer": ["x"], "asked_what_else": "yes"},
        {"ideas_heard": "blanket", "last": "said"},
        {"ideas_heard": [1, None, "ok"], "last": {"speech": 3}},
        {"depth": 10**9, "topic": "x" * 1000},
        {"depth": True},
    ],
)
def test_bad_attributes_fall_back_to_defaults(attributes: Any) -> None:
    state = SessionState.from_attributes(attributes)
    assert isinstance(state.depth, int) and 0 <= state.depth <= 9
    assert state.topic is None or len(state.topic) <= 64
    assert all(isinstance(idea, str) for idea in state.ideas_heard)
    assert state.last is None or isinstance(state.last.speech, str)


def test_profile_reads_defensively() -> None:
    assert Profile.from_attributes({"disclaimer_heard": "yes"}) == Profile()
    assert Profile.from_attributes(None) == Profile()
    assert Profile.from_attributes({"disclaimer_heard": True}).disclaimer_heard
