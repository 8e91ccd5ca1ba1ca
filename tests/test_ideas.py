"""Picking ideas: plain logic, no SDK."""

from __future__ import annotations

import random

from aftercare.ideas import next_idea

IDEAS = ["a", "b", "c", "d"]


def test_no_idea_repeats_within_a_round() -> None:
    rng, heard, said = random.Random(1), list[str](), list[str]()
    for _ in IDEAS:
        pick = next_idea(IDEAS, heard, rng)
        heard = pick.heard
        said.append(pick.idea)
        assert not pick.new_round
    assert sorted(said) == IDEAS


def test_a_new_round_starts_after_all_and_never_with_the_last_idea() -> None:
    for seed in range(50):
        pick = next_idea(IDEAS, ["b", "c", "a", "d"], random.Random(seed))
        assert pick.new_round
        assert pick.idea != "d"
        assert pick.heard == [pick.idea]


def test_stale_ids_from_an_older_content_version_are_ignored() -> None:
    pick = next_idea(IDEAS, ["gone", "a", "b", "c"], random.Random(0))
    assert pick.idea == "d"
    assert pick.heard == ["a", "b", "c", "d"]


def test_a_single_idea_can_still_be_said_again() -> None:
    assert next_idea(["only"], ["only"], random.Random(0)).idea == "only"
