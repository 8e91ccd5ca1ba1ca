"""The SSML check itself: it must reject what Alexa rejects, or every other test is hollow."""

from __future__ import annotations

import pytest

from aftercare import ssml
from tests.harness import plain_text


@pytest.mark.parametrize(
    "good",
    [
        "<s>Hello.</s>",
        '<prosody rate="90%" volume="soft"><p>Breathe in.</p><break time="4s"/></prosody>',
        '<amazon:effect name="whispered">Quietly.</amazon:effect>',
        '<say-as interpret-as="telephone">1-800-799-7233</say-as>',
        '<break time="10s"/><break time="10000ms"/>',
        "Ben &amp; Jerry&apos;s",
        '<sub alias="aasect dot org">aasect.org</sub>',
        '<lang xml:lang="en-GB">hello</lang>',
    ],
)
def test_valid_alexa_ssml_passes(good: str) -> None:
    assert ssml.problems(good) == []


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("Tom & Jerry", "well-formed"),
        ("<s>open", "well-formed"),
        ("a < b", "well-formed"),
        ("<b>bold</b>", "not an Alexa SSML tag"),
        ('<break time="11s"/>', "longer than 10 seconds"),
        ('<break time="10001ms"/>', "longer than 10 seconds"),
        ('<break time="soon"/>', "not a value"),
        ('<prosody rate="ludicrous">x</prosody>', "not a value"),
        ('<prosody colour="red">x</prosody>', "no attribute"),
        ("<say-as>1</say-as>", "needs interpret-as"),
        ('<amazon:effect name="shouted">x</amazon:effect>', "not a value"),
        ("<speak><speak>x</speak></speak>", "inside <speak>"),
        ("x" * 8000, "over Alexa's 8000"),
    ],
)
def test_what_alexa_rejects_is_reported(bad: str, reason: str) -> None:
    found = ssml.problems(bad)
    assert any(reason in problem for problem in found), found


def test_plain_text_keeps_words_apart_across_pauses() -> None:
    assert plain_text('<s>One.</s><break time="1s"/>Two &amp; three') == "One. Two & three"
