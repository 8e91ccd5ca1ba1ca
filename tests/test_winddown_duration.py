"""Each wind-down lasts about as long as it says: estimated from the SSML the skill sends."""

from __future__ import annotations

import pytest

from aftercare.content import Library, find_content_dir
from aftercare.speech import Renderer
from aftercare.winddown import COMPANIES
from tools import winddown_duration
from tools.winddown_duration import NOTHING, estimate, winddown_estimates

CONTENT_DIR = find_content_dir()
CONTENT = Library(CONTENT_DIR).for_locale("en-US")
RENDERER = Renderer(CONTENT_DIR)


def test_words_are_timed_at_the_rate_they_are_spoken_and_breaks_are_added() -> None:
    found = estimate(
        '<speak><prosody rate="50%"><s>One two three, four five six.</s></prosody>'
        '<break time="2s"/><s>Seven it&apos;s eight nine ten.</s><break time="500ms"/></speak>'
    )
    assert found.words == 11  # it's is one word
    assert found.pauses_s == pytest.approx(2.5)
    assert found.speaking_s == pytest.approx(6 * 60 / 65 + 5 * 60 / 130)


def test_nested_rates_multiply() -> None:
    found = estimate(
        '<prosody rate="100%"><prosody rate="80%">word word word word</prosody></prosody>'
    )
    assert found.speaking_s == pytest.approx(4 * 60 / (130 * 0.8))


def total_minutes(minutes: int, company: str, pace: int = 0) -> float:
    parts = winddown_estimates(CONTENT, RENDERER, minutes, company, pace)
    return sum(parts, NOTHING).seconds / 60


@pytest.mark.parametrize("minutes", sorted(CONTENT.winddown.lengths))
@pytest.mark.parametrize("company", COMPANIES)
def test_each_length_lands_within_a_fifth_of_its_minutes(minutes: int, company: str) -> None:
    assert total_minutes(minutes, company) == pytest.approx(minutes, rel=0.2)


def test_slower_takes_longer() -> None:
    paces = [total_minutes(5, "alone", pace) for pace in range(len(CONTENT.winddown.paces))]
    assert paces == sorted(paces) and paces[-1] > paces[0] * 1.15


def test_the_report_prints_every_length(capsys: pytest.CaptureFixture[str]) -> None:
    assert winddown_duration.main() == 0
    printed = capsys.readouterr().out
    for minutes in CONTENT.winddown.lengths:
        assert f" {minutes} m " in printed
