"""How long each guided wind-down takes to hear, estimated from the SSML the skill sends.

    python -m tools.winddown_duration

Words are counted at a calm 130 words a minute at Alexa's usual rate, scaled by every
``<prosody rate>`` around them, and every ``<break>`` is added. The closing prompt of a part is
counted too, but not the time a listener takes to say "next".
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT / "lambda") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "lambda"))

from aftercare import ssml  # noqa: E402  (needs lambda/ on the path, as Lambda has it)
from aftercare.content import Library, LocaleContent, find_content_dir  # noqa: E402
from aftercare.handlers.winddown import part_speech  # noqa: E402
from aftercare.speech import Renderer, Voice  # noqa: E402
from aftercare.winddown import COMPANIES, Progress, part_count  # noqa: E402

WORDS_PER_MINUTE = 130
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_AMAZON_NS = "urn:alexa:amazon-ssml"


@dataclass(frozen=True)
class Estimate:
    words: int
    speaking_s: float
    pauses_s: float

    @property
    def seconds(self) -> float:
        return self.speaking_s + self.pauses_s

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(
            self.words + other.words,
            self.speaking_s + other.speaking_s,
            self.pauses_s + other.pauses_s,
        )


NOTHING = Estimate(0, 0.0, 0.0)


def _rate_of(element: ET.Element, outer: float) -> float:
    rate = element.get("rate", "") if element.tag == "prosody" else ""
    return outer * int(rate[:-1]) / 100 if re.fullmatch(r"\d{1,3}%", rate) else outer


def _spans(element: ET.Element, rate: float) -> Iterator[tuple[str, float, float]]:
    """(text, rate it is spoken at, pause in seconds) for everything in document order."""
    inner = _rate_of(element, rate)
    if element.tag == "break":
        yield "", inner, ssml.break_ms(element.get("time", "0ms")) / 1000
    yield element.text or "", inner, 0.0
    for child in element:
        yield from _spans(child, inner)
        yield child.tail or "", inner, 0.0


def estimate(speech: str, words_per_minute: int = WORDS_PER_MINUTE) -> Estimate:
    """Words and seconds of one SSML speech (inner or wrapped in ``<speak>``)."""
    document = ssml.as_speak(speech).replace("<speak>", f'<speak xmlns:amazon="{_AMAZON_NS}">', 1)
    total = NOTHING
    for text, rate, pause_s in _spans(ET.fromstring(document), 1.0):
        words = len(_WORD.findall(text))
        total += Estimate(words, words * 60 / (words_per_minute * rate), pause_s)
    return total


def winddown_estimates(
    content: LocaleContent, renderer: Renderer, minutes: int, company: str, pace: int = 0
) -> list[Estimate]:
    """One estimate per part of a wind-down, as a listener starting it fresh would hear it."""
    voice = Voice(content, renderer, choose=lambda options: options[0])
    progress = Progress(minutes, company, pace=pace)
    estimates = []
    for step in range(part_count(content.winddown, progress)):
        preface = [f"winddown_length_{minutes}"] if step == 0 else []
        speech = part_speech(voice, Progress(minutes, company, step, pace), preface)
        estimates.append(estimate(speech))
    return estimates


def main() -> int:
    content_dir = find_content_dir()
    library, renderer = Library(content_dir), Renderer(content_dir)
    print(f"words at {WORDS_PER_MINUTE} per minute at 100% rate, plus every break")
    print(
        f"{'locale':7} {'length':>6} {'company':9} {'pace':>4} {'parts':>5} "
        f"{'words':>5} {'speech':>7} {'pauses':>7} {'total':>7}"
    )
    for locale in library.locales:
        content = library.for_locale(locale)
        for minutes in sorted(content.winddown.lengths):
            for company in COMPANIES:
                for pace in range(len(content.winddown.paces)):
                    parts = winddown_estimates(content, renderer, minutes, company, pace)
                    total = sum(parts, NOTHING)
                    print(
                        f"{locale:7} {minutes:>4} m {company:9} {pace:>4} {len(parts):>5} "
                        f"{total.words:>5} {total.speaking_s:>6.0f}s {total.pauses_s:>6.0f}s "
                        f"{total.seconds / 60:>5.1f} m"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
