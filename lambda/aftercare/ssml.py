"""A check that SSML is what Alexa accepts: well-formed, only Alexa's tags, short enough.

No published package validates Alexa SSML, so the rules Alexa documents live here, used by the
response guard at run time and by the tests for every template.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

MAX_SPEECH_CHARS = 8000
MAX_BREAK_MS = 10_000
_AMAZON_NS = "urn:alexa:amazon-ssml"
_XML_NS = "http://www.w3.org/XML/1998/namespace"

_WORD = r"[a-z-]+"
_PERCENT = r"\d{1,3}%"
_SIGNED_PERCENT = r"[+-]\d{1,3}(\.\d+)?%"
_DECIBELS = r"[+-]\d{1,2}(\.\d+)?dB"

# Tag -> attribute -> regular expression its value must match.
ALLOWED: dict[str, dict[str, str]] = {
    "speak": {},
    "break": {"time": r"\d+(\.\d+)?(ms|s)", "strength": "none|x-weak|weak|medium|strong|x-strong"},
    "emphasis": {"level": "strong|moderate|reduced"},
    "lang": {"xml:lang": r"[a-z]{2}-[A-Z]{2}"},
    "p": {},
    "s": {},
    "phoneme": {"alphabet": "ipa|x-sampa", "ph": r".+"},
    "prosody": {
        "rate": f"x-slow|slow|medium|fast|x-fast|{_PERCENT}",
        "pitch": f"x-low|low|medium|high|x-high|{_SIGNED_PERCENT}",
        "volume": f"silent|x-soft|soft|medium|loud|x-loud|{_DECIBELS}",
    },
    "say-as": {"interpret-as": _WORD, "format": r"[a-z]+"},
    "sub": {"alias": r".+"},
    "voice": {"name": r"[A-Za-z]+"},
    "w": {"role": r"[a-z]+:[A-Za-z]+"},
    "audio": {"src": r"https://\S+"},
    "amazon:domain": {"name": "conversational|long-form|music|news|fun"},
    "amazon:effect": {"name": "whispered"},
    "amazon:emotion": {"name": "excited|disappointed", "intensity": "low|medium|high"},
}
REQUIRED: dict[str, set[str]] = {
    "say-as": {"interpret-as"},
    "sub": {"alias"},
    "phoneme": {"ph"},
    "audio": {"src"},
    "amazon:domain": {"name"},
    "amazon:effect": {"name"},
    "amazon:emotion": {"name", "intensity"},
}


def as_speak(ssml: str) -> str:
    """Wrap inner SSML in ``<speak>`` as the SDK's ``speak()`` does."""
    text = ssml.strip()
    return text if text.startswith("<speak>") else f"<speak>{text}</speak>"


def _name(tag: str) -> str:
    return tag.replace("{" + _AMAZON_NS + "}", "amazon:").replace("{" + _XML_NS + "}", "xml:")


def break_ms(value: str) -> float:
    number = float(re.sub(r"(ms|s)$", "", value))
    return number if value.endswith("ms") else number * 1000


def _walk(element: ET.Element) -> Iterator[ET.Element]:
    yield element
    for child in element:
        yield from _walk(child)


def _element_problems(element: ET.Element, is_root: bool) -> list[str]:
    tag = _name(element.tag)
    allowed = ALLOWED.get(tag)
    if allowed is None:
        return [f"<{tag}> is not an Alexa SSML tag"]
    found = [] if is_root or tag != "speak" else ["<speak> inside <speak>"]
    attributes = {_name(key): value for key, value in element.attrib.items()}
    attributes.pop("xmlns:amazon", None)
    found += [f"<{tag}> needs {key}" for key in REQUIRED.get(tag, set()) - attributes.keys()]
    for key, value in attributes.items():
        pattern = allowed.get(key)
        if pattern is None:
            found.append(f"<{tag}> has no attribute {key}")
        elif not re.fullmatch(pattern, value):
            found.append(f'<{tag} {key}="{value}"> is not a value Alexa accepts')
        elif tag == "break" and key == "time" and break_ms(value) > MAX_BREAK_MS:
            found.append(f'<break time="{value}"> is longer than 10 seconds')
    return found


def problems(ssml: str) -> list[str]:
    """Every reason Alexa would reject this SSML; an empty list means it is fine."""
    return list(_problems(ssml))


@functools.lru_cache(maxsize=1024)
def _problems(ssml: str) -> tuple[str, ...]:
    # Remembered by text: the skill says a limited set of rendered speeches, and the guard
    # checks every response, so most checks are repeats (bounded, as speech can quote a slot).
    document = as_speak(ssml)
    found: list[str] = []
    if len(document) > MAX_SPEECH_CHARS:
        found.append(f"{len(document)} characters, over Alexa's {MAX_SPEECH_CHARS}")
    try:
        root = parse(document)
    except ET.ParseError as error:
        return (*found, f"not well-formed: {error}")
    if root.tag != "speak":
        found.append("the root element is not <speak>")
    for element in _walk(root):
        found += _element_problems(element, element is root)
    return tuple(found)


def parse(document: str) -> ET.Element:
    """A ``<speak>`` document as XML, with Amazon's ``amazon:`` prefix declared."""
    return ET.fromstring(document.replace("<speak>", f'<speak xmlns:amazon="{_AMAZON_NS}">', 1))
