"""A small stand-in for Alexa's language understanding, driven by the skill's own model.

Typed text is matched against the interaction model's sample utterances and slot values, so a
missing sample or synonym shows up locally as it would on a device. It is deliberately literal:
Alexa generalises beyond the samples, this does not, apart from a cautious fuzzy match.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tools.envelopes import DEFAULT_LOCALE, Slot

REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "interaction_models"
BUILTIN_UTTERANCES = Path(__file__).resolve().with_name("builtin_utterances.json")
FALLBACK_INTENT = "AMAZON.FallbackIntent"
FUZZY_THRESHOLD = 0.85

Kind = Literal["launch", "intent"]
Via = Literal["invocation", "exact", "fuzzy", "fallback", "forced"]


# --- text ---------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces; apostrophes inside words are kept."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    # Decimal points survive ("2.5"); every other punctuation mark separates words.
    kept = re.sub(r"[^\w\s'.]|_", " ", lowered)
    kept = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", kept)
    kept = re.sub(r"(?<!\w)'|'(?!\w)", " ", kept)
    return " ".join(kept.split())


# --- spoken numbers and durations -----------------------------------------------------------

_ONES = {
    word: number
    for number, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    word: 10 * (index + 2)
    for index, word in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}
_LARGE = {"thousand": 1_000, "million": 1_000_000}


def parse_number(text: str) -> int | None:
    """``"twenty one"`` -> 21, ``"5"`` -> 5; None when the words are not a number."""
    words = normalise(text).split()
    sign = 1
    if words and words[0] in ("minus", "negative"):
        sign, words = -1, words[1:]
    total = group = 0
    seen = False
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word == "and" and seen:
            continue
        if word in ("a", "an") and not seen and following in ("hundred", *_LARGE):
            group, seen = 1, True
            continue
        if word.isdigit():
            group += int(word)
        elif word in _ONES:
            group += _ONES[word]
        elif word in _TENS:
            group += _TENS[word]
        elif word == "hundred":
            group = (group or 1) * 100
        elif word in _LARGE:
            total, group = total + (group or 1) * _LARGE[word], 0
        else:
            return None
        seen = True
    return sign * (total + group) if seen else None


# Unit word -> (ISO 8601 section, designator); "" is the date section, "T" the time section.
_UNIT_KEYS: dict[str, tuple[str, str]] = {
    word: key
    for words, key in (
        ("second seconds sec secs", ("T", "S")),
        ("minute minutes min mins", ("T", "M")),
        ("hour hours hr hrs", ("T", "H")),
        ("day days", ("", "D")),
        ("week weeks", ("", "W")),
        ("month months", ("", "M")),
        ("year years", ("", "Y")),
    )
    for word in words.split()
}
# A fraction of a unit is carried into the next smaller one ("an hour and a half" -> PT1H30M).
_SMALLER: dict[tuple[str, str], tuple[tuple[str, str], int]] = {
    ("", "W"): (("", "D"), 7),
    ("", "D"): (("T", "H"), 24),
    ("T", "H"): (("T", "M"), 60),
    ("T", "M"): (("T", "S"), 60),
}
_ORDER = [("", "Y"), ("", "M"), ("", "W"), ("", "D"), ("T", "H"), ("T", "M"), ("T", "S")]


def _quantity(words: list[str]) -> float | None:
    if words[:1] == ["and"]:
        words = words[1:]
    if words in (["a"], ["an"]):
        return 1.0
    if words in (["half"], ["half", "a"], ["half", "an"]):
        return 0.5
    if len(words) > 3 and words[-3:] == ["and", "a", "half"]:
        whole = parse_number(" ".join(words[:-3]))
        return None if whole is None else whole + 0.5
    if len(words) == 1 and re.fullmatch(r"\d+\.\d+", words[0]):
        return float(words[0])
    whole = parse_number(" ".join(words)) if words else None
    return None if whole is None else float(whole)


def _iso_number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def parse_duration(text: str) -> str | None:
    """``"five minutes"`` -> ``"PT5M"``, ``"an hour and a half"`` -> ``"PT1H30M"``; else None."""
    amounts: dict[tuple[str, str], float] = {}
    pending: list[str] = []
    last: tuple[str, str] | None = None
    for word in normalise(text).split():
        key = _UNIT_KEYS.get(word)
        if key is None:
            pending.append(word)
            continue
        quantity = _quantity(pending)
        if quantity is None:
            return None
        amounts[key] = amounts.get(key, 0.0) + quantity
        pending, last = [], key
    if pending:
        if last is None or pending != ["and", "a", "half"]:
            return None
        amounts[last] += 0.5
    if not amounts:
        return None
    for key in _ORDER:
        fraction = amounts.get(key, 0.0) % 1
        if fraction and key in _SMALLER:
            smaller, factor = _SMALLER[key]
            amounts[key] -= fraction
            amounts[smaller] = amounts.get(smaller, 0.0) + fraction * factor
    date = "".join(
        f"{_iso_number(amounts[k])}{k[1]}" for k in _ORDER if k[0] == "" and amounts.get(k)
    )
    time = "".join(
        f"{_iso_number(amounts[k])}{k[1]}" for k in _ORDER if k[0] == "T" and amounts.get(k)
    )
    if not date and not time:
        return None
    return "P" + date + (f"T{time}" if time else "")


# --- the model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Understanding:
    """What the typed text meant: a launch, or an intent with the slots that were filled."""

    kind: Kind
    intent: str | None = None
    slots: Mapping[str, Slot] = field(default_factory=dict)
    unfilled: tuple[str, ...] = ()
    """Declared slots of the intent that were not heard; Alexa still sends them, empty."""
    via: Via = "exact"
    sample: str | None = None
    """The sample utterance that matched (normalised), if any."""
    text: str = ""
    """The normalised text that was matched."""

    def request_slots(self) -> dict[str, Slot | None]:
        """Every declared slot, for ``envelopes.intent_request``."""
        every: dict[str, Slot | None] = dict.fromkeys(self.unfilled)
        every.update(self.slots)
        return every


@dataclass(frozen=True)
class _Sample:
    intent: str
    text: str
    pattern: re.Pattern[str]
    slot_names: tuple[str, ...]
    literal_words: int
    from_model: bool


@dataclass(frozen=True)
class _Value:
    value_id: str | None
    name: str


_SLOT_REFERENCE = re.compile(r"\{([^{}]+)\}")


def _compile(intent: str, sample: str, declared: Sequence[str], from_model: bool) -> _Sample:
    tokens: list[str] = []
    texts: list[str] = []
    slot_names: list[str] = []
    literal_words = 0
    position = 0
    for reference in _SLOT_REFERENCE.finditer(sample):
        words = normalise(sample[position : reference.start()]).split()
        tokens += [re.escape(word) for word in words]
        texts += words
        literal_words += len(words)
        name = reference.group(1).strip()
        if name not in declared:
            raise ValueError(f"{intent}: sample {sample!r} uses undeclared slot {{{name}}}")
        tokens.append("(.+?)")
        texts.append("{" + name + "}")
        slot_names.append(name)
        position = reference.end()
    words = normalise(sample[position:]).split()
    tokens += [re.escape(word) for word in words]
    texts += words
    literal_words += len(words)
    return _Sample(
        intent=intent,
        text=" ".join(texts),
        pattern=re.compile(" ".join(tokens)),
        slot_names=tuple(slot_names),
        literal_words=literal_words,
        from_model=from_model,
    )


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _similarity(left: str, right: str) -> float:
    # Word order is ignored; spelling slips still count against the score.
    return difflib.SequenceMatcher(
        None, " ".join(sorted(left.split())), " ".join(sorted(right.split()))
    ).ratio()


class Nlu:
    """Maps typed text to a launch or an intent of one interaction model."""

    def __init__(
        self,
        model: Mapping[str, Any],
        builtin_utterances: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        language = model["interactionModel"]["languageModel"]
        self.invocation_name = normalise(str(language.get("invocationName", "")))
        builtins = (
            _load_json(BUILTIN_UTTERANCES) if builtin_utterances is None else builtin_utterances
        )
        self.slot_types: dict[str, dict[str, str]] = {}
        self.samples: list[_Sample] = []
        for intent in language.get("intents", []):
            name = str(intent["name"])
            slots = {str(s["name"]): str(s["type"]) for s in intent.get("slots", [])}
            self.slot_types[name] = slots
            for sample in intent.get("samples", []):
                self.samples.append(_compile(name, str(sample), list(slots), from_model=True))
            # The table only speaks for built-ins the model declares; Alexa does the same.
            for sample in builtins.get(name, []):
                self.samples.append(_compile(name, str(sample), list(slots), from_model=False))
        self.values: dict[str, dict[str, _Value]] = {}
        for slot_type in language.get("types", []):
            self.values[str(slot_type["name"])] = self._value_table(slot_type.get("values", []))
        self._launch, self._utterance = self._invocation_patterns()

    @classmethod
    def from_file(cls, path: Path) -> Nlu:
        return cls(_load_json(path))

    @classmethod
    def from_model(cls, locale: str = DEFAULT_LOCALE, models_dir: Path | None = None) -> Nlu:
        """The model for ``locale`` in ``interaction_models/``."""
        return cls.from_file((models_dir or MODELS_DIR) / f"{locale}.json")

    @staticmethod
    def _value_table(values: Sequence[Mapping[str, Any]]) -> dict[str, _Value]:
        table: dict[str, _Value] = {}
        # Names first, so a synonym never hides another value's own name.
        for value in values:
            name = str(value["name"]["value"])
            value_id = value.get("id")
            table.setdefault(
                normalise(name), _Value(None if value_id is None else str(value_id), name)
            )
        for value in values:
            canonical = table[normalise(str(value["name"]["value"]))]
            for synonym in value["name"].get("synonyms", []):
                table.setdefault(normalise(str(synonym)), canonical)
        return table

    def _invocation_patterns(self) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
        if not self.invocation_name:
            return [], []
        name = re.escape(self.invocation_name)
        launch = [
            re.compile(
                rf"(?:(?:open|launch|start|begin|load|run|use|talk to|speak to|ask|tell) )?"
                rf"{name}(?: please)?"
            )
        ]
        # Group "rest" is what goes on to the model; "joiner" is dropped first, kept on retry.
        utterance = [
            re.compile(rf"ask {name} (?:(?P<joiner>to|for|about|if|whether) )?(?P<rest>.+)"),
            re.compile(rf"tell {name} (?:(?P<joiner>that|to) )?(?P<rest>.+)"),
            re.compile(rf"(?:open|launch|start|use|begin) {name} (?:and|to) (?P<rest>.+)"),
            re.compile(rf"(?P<rest>.+?) (?:using|with|from) {name}"),
        ]
        return launch, utterance

    def _readings(self, text: str) -> tuple[bool, list[str]]:
        """Whether ``text`` launches the skill, else the texts to match, best first."""
        if any(pattern.fullmatch(text) for pattern in self._launch):
            return True, []
        for pattern in self._utterance:
            found = pattern.fullmatch(text)
            if found is None:
                continue
            rest = found.group("rest")
            joiner = found.groupdict().get("joiner")
            return False, [rest, f"{joiner} {rest}"] if joiner else [rest]
        return False, [text]

    def _fill(self, slot_type: str, heard: str) -> tuple[Slot, bool]:
        """The slot for ``heard`` and whether it was understood (resolved or parsed)."""
        if slot_type == "AMAZON.NUMBER":
            number = parse_number(heard)
            return Slot(heard if number is None else str(number), slot_type=slot_type), (
                number is not None
            )
        if slot_type == "AMAZON.DURATION":
            duration = parse_duration(heard)
            return Slot(duration or heard, slot_type=slot_type), duration is not None
        if slot_type.startswith("AMAZON."):
            return Slot(heard, slot_type=slot_type), False
        value = self.values.get(slot_type, {}).get(normalise(heard))
        if value is None:
            return Slot(heard, slot_type=slot_type), False
        return Slot(heard, value.value_id, value.name, slot_type), True

    def _result(
        self, sample: _Sample, slots: dict[str, Slot], via: Via, text: str
    ) -> Understanding:
        unfilled = tuple(name for name in self.slot_types[sample.intent] if name not in slots)
        return Understanding("intent", sample.intent, slots, unfilled, via, sample.text, text)

    def _exact(self, text: str) -> Understanding | None:
        best: tuple[tuple[int, int, bool], _Sample, dict[str, Slot]] | None = None
        for sample in self.samples:
            found = sample.pattern.fullmatch(text)
            if found is None:
                continue
            slots: dict[str, Slot] = {}
            understood = 0
            for index, name in enumerate(sample.slot_names, start=1):
                slot, ok = self._fill(self.slot_types[sample.intent][name], found.group(index))
                slots[name] = slot
                understood += ok
            if sample.literal_words == 0 and understood < len(sample.slot_names):
                # A sample that is only slots would otherwise swallow any text at all.
                continue
            # More literal words first ("tell me about {topic}" over "{topic}"), then slots that
            # resolved, then the model's own samples over the built-in table.
            score = (sample.literal_words, understood, sample.from_model)
            if best is None or score > best[0]:
                best = (score, sample, slots)
        return None if best is None else self._result(best[1], best[2], "exact", text)

    def _closest(self, text: str, only_literal: bool) -> tuple[float, _Sample] | None:
        pool = [s for s in self.samples if not (only_literal and s.slot_names)]
        scored = [(_similarity(text, sample.text), sample) for sample in pool]
        return max(scored, key=lambda pair: pair[0], default=None)

    def understand(self, text: str) -> Understanding:
        normal = normalise(text)
        if normal.split()[:1] == ["alexa"]:
            normal = normal[len("alexa") :].strip()
        launch, readings = self._readings(normal)
        if launch:
            return Understanding("launch", via="invocation", text=normal)
        for reading in readings:
            exact = self._exact(reading)
            if exact is not None:
                return exact
        closest = self._closest(readings[0], only_literal=True)
        if closest is not None and closest[0] >= FUZZY_THRESHOLD:
            return self._result(closest[1], {}, "fuzzy", readings[0])
        if FALLBACK_INTENT in self.slot_types:
            unfilled = tuple(self.slot_types[FALLBACK_INTENT])
            return Understanding("intent", FALLBACK_INTENT, {}, unfilled, "fallback", None, normal)
        # Without a FallbackIntent Alexa forces the nearest intent, however poor the match.
        forced = self._closest(readings[0], only_literal=False)
        if forced is None:
            raise LookupError("the interaction model has no sample utterances")
        return self._result(forced[1], {}, "forced", readings[0])
