"""Every template, rendered with every piece of content and every phrasing, is valid Alexa SSML."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import product
from typing import Any

import pytest

from aftercare import ssml
from aftercare.content import Library, LocaleContent, find_content_dir
from aftercare.practice import Phone, Practice
from aftercare.speech import Renderer, Voice
from aftercare.winddown import COMPANIES, Progress, plan
from tests.harness import plain_text

CONTENT_DIR = find_content_dir()
LIBRARY = Library(CONTENT_DIR)
RENDERER = Renderer(CONTENT_DIR)
HOSTILE = ["Tom & Jerry", "<b>bold</b>", 'it\'s "quoted"', "🌙✨", "x" * 2000, "]]> <!--"]

Contexts = Callable[[LocaleContent], Iterator[dict[str, Any]]]


def _topics(content: LocaleContent) -> Iterator[dict[str, Any]]:
    for topic in content.topics.values():
        for paragraphs in (topic.answer, topic.more, ()):
            yield {"paragraphs": paragraphs, "next": topic.offer, "done": not paragraphs}


def _ideas(content: LocaleContent) -> Iterator[dict[str, Any]]:
    for idea in content.ideas:
        for new_round in (False, True):
            yield {"idea": idea.text, "new_round": new_round}


def _therapist(content: LocaleContent) -> Iterator[dict[str, Any]]:
    therapy, directory = content.therapy, content.therapy.directory
    found = therapy.spoken((*directory.where, directory.certified, directory.tip))
    for practice_name in (None, *HOSTILE):
        yield {
            "paragraphs": found,
            "card_note": True,
            "next": "therapy_session",
            "practice_name": practice_name,
        }
    for answer in therapy.answers.values():
        for paragraphs in (therapy.spoken(answer.answer), ()):
            yield {
                "paragraphs": paragraphs,
                "card_note": False,
                "next": answer.offer,
                "practice_name": None,
            }


def _directory_card(content: LocaleContent) -> Iterator[dict[str, Any]]:
    directory = content.therapy.directory
    yield {"listings": directory.listings, "certified": directory.certified, "tip": directory.tip}


def _practices(names: Sequence[str]) -> Iterator[dict[str, Any]]:
    phone = Phone("+12125550147", "+1 (212) 555-0147")
    for name in names:
        for practice, card_line in [
            (
                Practice(name, phone, "a@example.org", "https://example.org", name),
                "therapist_card_email_and_website",
            ),
            (Practice(name, email="a@example.org"), "therapist_card_email"),
            (Practice(name, website="https://example.org"), "therapist_card_website"),
            (Practice(name, phone=phone, hours=name), "therapist_card_phone"),
        ]:
            yield {"practice": practice, "card_line": card_line, "next": "therapy_session"}


def _winddown_parts(content: LocaleContent) -> Iterator[dict[str, Any]]:
    script = content.winddown
    for minutes, company, pace in product(script.lengths, COMPANIES, range(len(script.paces))):
        for part in plan(script, Progress(minutes, company, pace=pace)):
            yield {"part": part, "preface": ["disclaimer", f"winddown_length_{minutes}"]}


def _winddown_lines(content: LocaleContent) -> Iterator[dict[str, Any]]:
    for key in content.phrases:
        yield {"keys": [key], "next": None}
    for target in ("winddown", "winddown_resume"):
        yield {"keys": ["winddown_not_playing"], "next": target}


# Template name -> every context it is rendered with. A template missing here fails the test.
SPEECH: dict[str, Contexts] = {
    "welcome": lambda c: ({"first_use": first, "returning": not first} for first in (True, False)),
    "lines": lambda c: ({"keys": [key]} for key in c.phrases),
    "topic": _topics,
    "offer": lambda c: ({"next": target} for target in c.offers),
    "idea": _ideas,
    "unknown_topic": lambda c: iter([{}]),
    "goodbye": lambda c: iter([{}]),
    "safety": lambda c: iter([{"safety": c.facts["safety"]}]),
    "grounding": lambda c: iter([{}]),
    "therapist": _therapist,
    "therapist_practice": lambda c: _practices(("Riverside Therapy", *HOSTILE)),
    "winddown_part": _winddown_parts,
    "winddown_lines": _winddown_lines,
    "winddown_welcome": lambda c: ({"first_use": f, "returning": not f} for f in (True, False)),
}
CARDS: dict[str, Contexts] = {
    "safety": lambda c: iter([{"safety": c.facts["safety"]}]),
    "topic": lambda c: ({"paragraphs": (*t.answer, *t.more)} for t in c.topics.values()),
    "idea": lambda c: ({"idea": idea.text} for idea in c.ideas),
    "therapist": _directory_card,
    # Start-up refuses a practice name with markup, so cards never meet one.
    "therapist_practice": lambda c: _practices(["Riverside Therapy", "Tom & Jerry's"]),
}


def template_names(suffix: str) -> set[str]:
    names = set()
    for name in RENDERER.templates:
        base = name.rsplit("/", 1)[-1]
        if base.endswith(suffix) and not base.startswith("_"):
            names.add(base.removesuffix(suffix))
    return names


def every_phrasing(content: LocaleContent) -> Iterator[Voice]:
    """Voices that pick the 1st, 2nd, ... phrasing, until every phrasing was used."""
    most = max(len(options) for options in (*content.phrases.values(), *content.offers.values()))
    for index in range(most):

        def choose(options: Sequence[str], index: int = index) -> str:
            return options[index % len(options)]

        for quiet in (False, True):
            yield Voice(content, RENDERER, choose, quiet=quiet)


def test_every_template_has_contexts_to_render() -> None:
    assert template_names(".ssml.j2") == set(SPEECH)
    assert template_names(".txt.j2") == set(CARDS)


@pytest.mark.parametrize("locale", LIBRARY.locales)
def test_every_speech_is_valid_alexa_ssml(locale: str) -> None:
    content = LIBRARY.for_locale(locale)
    rendered = 0
    for voice in every_phrasing(content):
        for name, contexts in SPEECH.items():
            for context in contexts(content):
                speech = voice.ssml(name, **context)
                assert ssml.problems(speech) == [], (name, context, speech)
                rendered += 1
    assert rendered > 100


@pytest.mark.parametrize("locale", LIBRARY.locales)
def test_every_card_is_plain_text_within_limits(locale: str) -> None:
    content = LIBRARY.for_locale(locale)
    for name, contexts in CARDS.items():
        for context in contexts(content):
            text = Voice(content, RENDERER, lambda options: options[0]).text(name, **context)
            assert text
            assert "<" not in text and "&amp;" not in text
            assert len(text) < 8000


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_values_are_escaped_in_speech_and_kept_in_cards(hostile: str) -> None:
    content = LIBRARY.for_locale("en-US")
    voice = Voice(content, RENDERER, lambda options: options[0])
    speech = voice.ssml("idea", idea=hostile, new_round=False)
    assert ssml.problems(speech) == []
    assert hostile in plain_text(speech)
    assert hostile in voice.text("idea", idea=hostile)


def test_content_is_plain_text_without_markup() -> None:
    for locale in LIBRARY.locales:
        content = LIBRARY.for_locale(locale)
        texts = [
            *(line for options in content.phrases.values() for line in options),
            *(line for options in content.offers.values() for line in options),
            *(line for t in content.topics.values() for line in (*t.answer, *t.more, t.title)),
            *(idea.text for idea in content.ideas),
        ]
        for text in texts:
            assert not set("<>&") & set(text), text


def test_every_offer_and_topic_leads_somewhere() -> None:
    content = LIBRARY.for_locale("en-US")
    for topic in content.topics.values():
        assert topic.offer in content.offers, topic.id
