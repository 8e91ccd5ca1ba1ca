"""The wind-down as Alexa receives it: every part of every length, company and pace is valid SSML
within Alexa's limits, and the words people say to start and steer it reach it."""

from __future__ import annotations

import re
from itertools import product

import pytest

from aftercare import ssml, winddown
from aftercare.content import Library, find_content_dir
from aftercare.handlers.winddown import part_speech
from aftercare.speech import Renderer, Voice
from aftercare.winddown import Progress
from aftercare.winddown.script import Line
from tests.harness import load_model, plain_text
from tools.nlu import Nlu

CONTENT_DIR = find_content_dir()
LIBRARY = Library(CONTENT_DIR)
RENDERER = Renderer(CONTENT_DIR)
NLU = Nlu.from_model("en-US")
LONGEST_PREFACE = ["disclaimer", "winddown_length_10", "winddown_resume_stored"]


def every_part(locale: str) -> list[tuple[str, str]]:
    """(where, SSML) of every part, in every length, company and pace, whispered or not."""
    content = LIBRARY.for_locale(locale)
    script = content.winddown
    rendered = []
    for quiet in (False, True):
        # The longest phrasing of every phrase, so the size check sees the worst case.
        voice = Voice(content, RENDERER, lambda options: max(options, key=len), quiet=quiet)
        for minutes, company, pace in product(
            script.lengths, winddown.COMPANIES, range(len(script.paces))
        ):
            for step in range(winddown.part_count(script, Progress(minutes, company))):
                progress = Progress(minutes, company, step, pace)
                where = f"{minutes} min {company} pace {pace} part {step} quiet {quiet}"
                rendered.append((where, part_speech(voice, progress, LONGEST_PREFACE)))
    return rendered


@pytest.mark.parametrize("locale", LIBRARY.locales)
def test_every_part_is_valid_alexa_ssml_within_limits(locale: str) -> None:
    parts = every_part(locale)
    assert len(parts) >= 3 * 2 * 3 * 2 * 2
    for where, speech in parts:
        assert ssml.problems(speech) == [], where
        assert len(ssml.as_speak(speech)) < 8000, where


@pytest.mark.parametrize("locale", LIBRARY.locales)
def test_every_silence_is_at_most_ten_seconds_with_words_between_silences(locale: str) -> None:
    for where, speech in every_part(locale):
        silences = [ssml.break_ms(time) for time in re.findall(r'<break time="([^"]+)"', speech)]
        assert silences and max(silences) <= 10_000, where
        between = re.split(r"<break [^>]*/>", ssml.as_speak(speech))[1:-1]
        assert all(re.sub(r"<[^>]+>|\s", "", text) for text in between), where


def test_the_script_is_plain_text_and_every_length_has_its_announcement() -> None:
    for locale in LIBRARY.locales:
        content = LIBRARY.for_locale(locale)
        script = content.winddown
        lines = [
            text
            for steps in script.sections.values()
            for step in steps
            if isinstance(step, Line)
            for text in (step.alone, step.together)
        ]
        lines += [cue for pair in script.breath_cues for cue in pair]
        assert lines
        assert all(not set("<>&") & set(line) for line in lines)
        for minutes in script.lengths:
            assert f"winddown_length_{minutes}" in content.phrases
        for company in winddown.COMPANIES:
            assert f"winddown_stop_{company}" in content.phrases


def test_the_script_never_calls_the_wake_word() -> None:
    for where, speech in every_part("en-US"):
        assert "alexa" not in plain_text(speech).lower(), where


def samples_of(intent_name: str) -> list[str]:
    return list(next(i for i in load_model()["intents"] if i["name"] == intent_name)["samples"])


@pytest.mark.parametrize("intent", ["StartWindDownIntent", "ResumeWindDownIntent", "SlowerIntent"])
def test_each_wind_down_intent_has_plenty_of_natural_samples(intent: str) -> None:
    assert len(samples_of(intent)) >= 15


@pytest.mark.parametrize(
    ("typed", "intent", "slots"),
    [
        ("start a guided wind-down", "StartWindDownIntent", {}),
        ("help me calm down", "StartWindDownIntent", {"company": "alone"}),
        ("help us relax", "StartWindDownIntent", {"company": "together"}),
        ("a breathing exercise", "StartWindDownIntent", {}),
        ("wind down with my partner", "StartWindDownIntent", {"company": "together"}),
        ("a five minute wind-down", "StartWindDownIntent", {"length": "PT5M"}),
        ("a ten minute wind down just me", "StartWindDownIntent", {"length": "PT10M"}),
        ("wind down together for three minutes", "StartWindDownIntent", {"length": "PT3M"}),
        ("resume my wind-down", "ResumeWindDownIntent", {}),
        ("pick up where we left off", "ResumeWindDownIntent", {}),
        ("slow down", "SlowerIntent", {}),
        ("more slowly", "SlowerIntent", {}),
        ("next", "AMAZON.NextIntent", {}),
        ("skip", "AMAZON.NextIntent", {}),
        ("previous", "AMAZON.PreviousIntent", {}),
        ("pause", "AMAZON.PauseIntent", {}),
        ("hold on", "AMAZON.PauseIntent", {}),
        ("resume", "AMAZON.ResumeIntent", {}),
        ("continue", "AMAZON.ResumeIntent", {}),
    ],
)
def test_what_people_say_reaches_the_wind_down(
    typed: str, intent: str, slots: dict[str, str]
) -> None:
    understood = NLU.understand(typed)
    assert understood.intent == intent
    for name, expected in slots.items():
        slot = understood.slots[name]
        assert expected in (slot.value, slot.resolved_id)


@pytest.mark.parametrize(
    "typed", ["i feel anxious after sex", "why do i feel sad after sex", "what is aftercare"]
)
def test_learning_questions_do_not_start_a_wind_down(typed: str) -> None:
    assert NLU.understand(typed).intent != "StartWindDownIntent"
