"""The wind-down state machine, without Alexa: plain values in, plain values out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftercare import winddown
from aftercare.content import Library, find_content_dir
from aftercare.winddown import Progress, Script, load_script

SCRIPT = Library(find_content_dir()).for_locale("en-US").winddown


def tiny_script(**changes: Any) -> dict[str, Any]:
    """The data of a small script: three lengths, two parts each, three paces."""
    data: dict[str, Any] = {
        "default_minutes": 5,
        "default_company": "alone",
        "section_gap_ms": 1000,
        "start_volume_db": 0,
        "end_volume_db": -6,
        "breath": {
            "in_ms": 3000,
            "out_ms": 5000,
            "cues": [["In first.", "Out first."], ["In.", "Out."]],
        },
        "pace": [
            {"start_rate": 90, "end_rate": 80, "stretch": 1.0},
            {"start_rate": 84, "end_rate": 75, "stretch": 1.25},
            {"start_rate": 78, "end_rate": 70, "stretch": 1.5},
        ],
        "length": [
            {"minutes": minutes, "parts": [["settle", "breathing"], ["close"]]}
            for minutes in (3, 5, 10)
        ],
        "section": {
            "settle": [
                {"alone": "Just you.", "together": "The two of you."},
                {"pause_ms": 2000},
                {"say": "Only in long ones.", "from_minutes": 10},
                {"say": "Only in short ones.", "to_minutes": 3},
                {"say": "Settled."},
            ],
            "breathing": [{"say": "Breathe."}, {"breaths": 3}, {"say": "Good."}],
            "close": [{"say": "Almost done."}, {"pause_ms": 9000}, {"say": "Done."}],
        },
    }
    data.update(changes)
    return data


TINY = load_script(tiny_script())


def texts(script: Script, progress: Progress) -> list[str]:
    return [
        cue.text
        for part in winddown.plan(script, progress)
        for block in part.blocks
        for cue in block.cues
        if cue.text
    ]


def pauses(script: Script, progress: Progress) -> list[int]:
    part = winddown.current_part(script, progress)
    return [cue.pause_ms for block in part.blocks for cue in block.cues if cue.pause_ms]


@pytest.mark.parametrize(
    ("duration", "minutes"),
    [
        ("PT3M", 3),
        ("PT5M", 5),
        ("PT10M", 10),
        ("PT2M", 3),
        ("PT4M", 3),
        ("PT7M", 5),
        ("PT8M", 10),
        ("PT1H", 10),
        ("PT30S", 3),
        ("PT4M30S", 5),
        (None, 5),
        ("?", 5),
        ("PT0M", 5),
        ("P1W", 5),
    ],
)
def test_a_spoken_length_picks_the_closest_wind_down(duration: str | None, minutes: int) -> None:
    assert winddown.choose_minutes(TINY, duration) == minutes


def test_a_new_wind_down_starts_at_the_first_part_in_the_usual_pace() -> None:
    assert winddown.begin(TINY, "PT10M", "together") == Progress(10, "together")
    assert winddown.begin(TINY, None, None) == Progress(5, "alone")
    assert winddown.begin(TINY, None, "someone else") == Progress(5, "alone")


def test_together_changes_the_words_not_only_a_name() -> None:
    alone, together = texts(TINY, Progress(5, "alone")), texts(TINY, Progress(5, "together"))
    assert "Just you." in alone and "Just you." not in together
    assert "The two of you." in together


def test_steps_belong_to_the_lengths_they_name() -> None:
    assert "Only in long ones." in texts(TINY, Progress(10, "alone"))
    assert "Only in long ones." not in texts(TINY, Progress(5, "alone"))
    assert "Only in short ones." in texts(TINY, Progress(3, "alone"))
    assert "Only in short ones." not in texts(TINY, Progress(5, "alone"))


def test_breaths_open_with_the_full_cue_then_take_turns() -> None:
    said = texts(TINY, Progress(5, "alone"))
    start = said.index("Breathe.") + 1
    assert said[start : start + 6] == ["In first.", "Out first.", "In.", "Out.", "In.", "Out."]


def test_the_voice_slows_and_softens_over_the_whole_wind_down() -> None:
    blocks = [block for part in winddown.plan(TINY, Progress(5, "alone")) for block in part.blocks]
    assert [block.rate for block in blocks] == [90, 85, 80]
    assert [block.volume_db for block in blocks] == [0, -3, -6]


def test_slower_lowers_the_rate_and_stretches_every_pause_up_to_ten_seconds() -> None:
    usual = Progress(5, "alone")
    slower = winddown.slower(TINY, usual)
    assert slower.pace == 1
    usual_part = winddown.current_part(TINY, usual)
    slower_part = winddown.current_part(TINY, slower)
    assert slower_part.blocks[0].rate < usual_part.blocks[0].rate
    assert all(b > a for a, b in zip(pauses(TINY, usual), pauses(TINY, slower), strict=True))
    slowest = winddown.slower(TINY, slower)
    assert winddown.is_slowest(TINY, slowest)
    assert winddown.slower(TINY, slowest) == slowest
    # 9 seconds stretched by 1.5 would be 13.5: capped at Alexa's longest break.
    assert pauses(TINY, winddown.next_step(TINY, slowest)) == [10_000]


def test_sections_in_one_part_have_a_silence_between_them() -> None:
    first = winddown.current_part(TINY, Progress(5, "alone"))
    assert [block.section for block in first.blocks] == ["settle", "breathing"]
    assert first.blocks[1].cues[0].pause_ms == 1000
    assert first.blocks[0].cues[0].text


def test_moving_through_the_parts() -> None:
    start = Progress(5, "alone")
    last = winddown.next_step(TINY, start)
    assert last.step == 1 and winddown.is_final(TINY, last)
    assert winddown.current_part(TINY, last).final
    assert winddown.next_step(TINY, last) == last
    assert winddown.previous_step(last) == start
    assert winddown.previous_step(start) == start
    assert winddown.start_over(winddown.slower(TINY, last)) == Progress(5, "alone", pace=1)


def test_pause_and_resume() -> None:
    paused = winddown.pause(Progress(5, "alone"))
    assert paused.paused
    assert not winddown.resume(paused).paused
    assert not winddown.next_step(TINY, paused).paused


def test_stored_progress_is_restored_only_while_it_fits_the_script() -> None:
    assert winddown.restore(TINY, Progress(5, "alone", 1)) == Progress(5, "alone", 1)
    assert winddown.restore(TINY, Progress(5, "alone", 2)) is None
    assert winddown.restore(TINY, Progress(7, "alone")) is None
    assert winddown.restore(TINY, Progress(5, "alone", pace=9)) == Progress(5, "alone", pace=2)
    assert winddown.restore(TINY, None) is None


def test_an_unfinished_wind_down_is_offered_for_a_day() -> None:
    assert winddown.worth_offering(1_000, 1_000 + 60)
    assert winddown.worth_offering(1_000, 1_000 + winddown.RESUME_OFFER_WINDOW_S)
    assert not winddown.worth_offering(1_000, 1_000 + winddown.RESUME_OFFER_WINDOW_S + 1)
    assert not winddown.worth_offering(1_000, 999)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "step 1",
        {},
        {"minutes": 5, "company": "alone", "step": -1, "pace": 0},
        {"minutes": 5, "company": "everyone", "step": 0, "pace": 0},
        {"minutes": True, "company": "alone", "step": 0, "pace": 0},
        {"minutes": 0, "company": "alone", "step": 0, "pace": 0},
        {"minutes": 5, "company": "alone", "step": 0, "pace": "fast"},
        {"minutes": 5, "company": "alone", "step": 10**9, "pace": 0},
    ],
)
def test_malformed_progress_reads_as_none(value: object) -> None:
    assert Progress.from_attributes(value) is None


def test_progress_round_trips_compactly() -> None:
    progress = Progress(10, "together", 1, 2, paused=True)
    assert Progress.from_attributes(progress.to_attributes()) == progress
    assert Progress(5, "alone").to_attributes() == {
        "minutes": 5,
        "company": "alone",
        "step": 0,
        "pace": 0,
    }


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"default_minutes": 4}, "default_minutes"),
        ({"default_company": "couple"}, "default_company"),
        ({"length": [{"minutes": 5, "parts": [["nowhere"]]}]}, "known sections"),
        ({"section": {"settle": [{"pause_ms": 20_000}]}}, "pause_ms"),
        ({"section": {"settle": [{"say": "Hi.", "pause_ms": 100}]}}, "one of"),
        ({"section": {"settle": [{"say": "Hi.", "loud": True}]}}, "does not know"),
        ({"pace": []}, "paces"),
    ],
)
def test_a_broken_script_is_refused_at_load(changes: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        load_script(tiny_script(**changes))


def test_two_silences_in_a_row_are_refused_at_load() -> None:
    sections = tiny_script()["section"]
    sections["close"] = [{"say": "Almost."}, {"pause_ms": 1000}, {"pause_ms": 1000}]
    with pytest.raises(ValueError, match="two silences in a row"):
        load_script(tiny_script(section=sections))


def test_a_part_that_opens_with_a_silence_is_refused_at_load() -> None:
    sections = tiny_script()["section"]
    sections["close"] = [{"pause_ms": 1000}, {"say": "Done."}]
    with pytest.raises(ValueError, match="opens with a silence"):
        load_script(tiny_script(section=sections))


def test_the_real_script_has_every_length_and_a_closing_part() -> None:
    assert sorted(SCRIPT.lengths) == [3, 5, 10]
    for minutes in SCRIPT.lengths:
        parts = winddown.plan(SCRIPT, Progress(minutes, "alone"))
        assert [part.final for part in parts] == [False] * (len(parts) - 1) + [True]
        assert len(parts) - 1 <= 3, "a listener says next at most three times"


def _next(progress: Progress) -> Progress:
    return winddown.next_step(SCRIPT, progress)


def _slower(progress: Progress) -> Progress:
    return winddown.slower(SCRIPT, progress)


CONTROLS: dict[str, Callable[[Progress], Progress]] = {
    "next": _next,
    "previous": winddown.previous_step,
    "start_over": winddown.start_over,
    "pause": winddown.pause,
    "resume": winddown.resume,
    "slower": _slower,
}


@given(
    minutes=st.sampled_from(sorted(SCRIPT.lengths)),
    company=st.sampled_from(winddown.COMPANIES),
    controls=st.lists(st.sampled_from(sorted(CONTROLS)), max_size=30),
)
def test_any_run_of_controls_stays_inside_the_wind_down(
    minutes: int, company: str, controls: list[str]
) -> None:
    progress = Progress(minutes, company)
    for control in controls:
        progress = CONTROLS[control](progress)
        assert 0 <= progress.step < winddown.part_count(SCRIPT, progress)
        assert 0 <= progress.pace < len(SCRIPT.paces)
        assert (progress.minutes, progress.company) == (minutes, company)
        assert Progress.from_attributes(progress.to_attributes()) == progress
        assert winddown.current_part(SCRIPT, progress).index == progress.step
