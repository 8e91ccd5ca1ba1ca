"""Talk to the skill from a terminal: ``python -m tools.chat`` (from the repository root).

Typed text goes through the interaction model (``tools.nlu``) into a real request envelope
(``tools.envelopes``) and into the real Lambda handler, and the reply is printed as text.
One-shot: ``python -m tools.chat --say "what is aftercare" --say "yes"``.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from tools.envelopes import (
    DEFAULT_LOCALE,
    LOCAL_USER_ID,
    Session,
    intent_request,
    launch_request,
    session_ended_request,
)
from tools.nlu import MODELS_DIR, REPO_ROOT, Nlu, Understanding

Handler = Callable[[dict[str, Any], Any], Any]

QUIT = ":q"
LAUNCH_WORDS = ("", "open")
ESPEAK_HINT = "install espeak-ng (apt-get install espeak-ng sox) to hear replies"


# --- rendering SSML as text -----------------------------------------------------------------

_BREAK = re.compile(r"<break\b([^>]*)/>")
_TIME = re.compile(r'time\s*=\s*"(\d+(?:\.\d+)?)\s*(ms|s)"')
_SUB = re.compile(r'<sub\b[^>]*\balias\s*=\s*"([^"]*)"[^>]*>.*?</sub>', re.DOTALL)


def _break_seconds(attributes: str) -> float:
    time = _TIME.search(attributes)
    if time is not None:
        number = float(time.group(1))
        return number / 1000 if time.group(2) == "ms" else number
    # Without a time, only the strongest strengths are long enough to be noticed.
    return 1.0 if re.search(r'strength\s*=\s*"(strong|x-strong)"', attributes) else 0.0


def _render_break(found: re.Match[str]) -> str:
    seconds = _break_seconds(found.group(1))
    if seconds >= 3:
        return f" (pause {seconds:g}s) "
    return " … " if seconds >= 1 else " "


def ssml_to_text(ssml: str) -> str:
    """What a listener hears, as text: tags gone, long pauses marked, aliases spoken."""
    text = _BREAK.sub(_render_break, ssml)
    text = _SUB.sub(lambda found: found.group(1), text)
    text = re.sub(r"<audio\b[^>]*/>", " (audio) ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(" ".join(text.split()))
    return re.sub(r"\s+([,.;:!?])", r"\1", text)


def speech_of(output_speech: Mapping[str, Any] | None) -> tuple[str, str]:
    """(plain text, raw SSML or text) of an ``outputSpeech`` object."""
    if not output_speech:
        return "", ""
    if output_speech.get("type") == "PlainText":
        raw = str(output_speech.get("text", ""))
        return raw, raw
    raw = str(output_speech.get("ssml", ""))
    return ssml_to_text(raw), raw


def espeak_ssml(ssml: str) -> str:
    """SSML espeak-ng can read: breaks in milliseconds, Alexa-only tags dropped."""

    def milliseconds(found: re.Match[str]) -> str:
        return f'<break time="{round(_break_seconds(found.group(1)) * 1000)}ms"/>'

    text = ssml.strip()
    if not text.startswith("<speak"):
        text = f"<speak>{text}</speak>"
    text = _BREAK.sub(milliseconds, text)
    # espeak knows neither Amazon's extensions, nor Alexa's voice names, nor remote audio.
    text = re.sub(r"</?amazon:[^>]*>", "", text)
    text = re.sub(r"</?voice\b[^>]*>", "", text)
    return re.sub(r"<audio\b[^>]*/>", "", text)


# --- audio --------------------------------------------------------------------------------


class AudioWriter:
    """Writes each reply's SSML, and a WAV of it when espeak-ng is installed."""

    def __init__(self, directory: Path, locale: str) -> None:
        self.directory = directory
        self.locale = locale
        self.espeak = shutil.which("espeak-ng")
        self.soxi = shutil.which("soxi")
        self._hinted = False
        directory.mkdir(parents=True, exist_ok=True)

    def write(self, turn: int, ssml: str) -> list[str]:
        """Files written for this turn, as lines to print."""
        stem = self.directory / f"turn-{turn:02d}"
        ssml_path = stem.with_suffix(".ssml")
        ssml_path.write_text(ssml + "\n", encoding="utf-8")
        lines = [f"ssml: {ssml_path}"]
        if self.espeak is None:
            if not self._hinted:
                self._hinted = True
                lines.append(ESPEAK_HINT)
            return lines
        wav = stem.with_suffix(".wav")
        if not self._speak(espeak_ssml(ssml), wav):
            return [*lines, f"espeak-ng could not render {ssml_path}"]
        duration = self._duration(wav)
        return [*lines, f"audio: {wav}" + (f" ({duration:.1f} s)" if duration else "")]

    def _speak(self, ssml: str, wav: Path) -> bool:
        assert self.espeak is not None
        with tempfile.NamedTemporaryFile("w", suffix=".ssml", delete=False) as handle:
            handle.write(ssml)
        try:
            arguments = ["-m", "-w", str(wav), "-f", handle.name]
            voice = ["-v", self.locale.lower()]
            # Try the locale's voice; espeak-ng refuses unknown voices, so fall back to its own.
            for command in ([self.espeak, *voice, *arguments], [self.espeak, *arguments]):
                done = subprocess.run(command, capture_output=True, timeout=120, check=False)
                if done.returncode == 0:
                    return True
            return False
        finally:
            Path(handle.name).unlink(missing_ok=True)

    def _duration(self, wav: Path) -> float | None:
        if self.soxi is None:
            return None
        done = subprocess.run(
            [self.soxi, "-D", str(wav)], capture_output=True, text=True, timeout=30, check=False
        )
        try:
            return float(done.stdout.strip())
        except ValueError:
            return None


# --- the conversation ---------------------------------------------------------------------


def describe(understanding: Understanding) -> str:
    """One line saying how the text was understood, e.g. ``LearnIntent topic=aftercare``."""
    if understanding.kind == "launch":
        return "LaunchRequest"
    parts = [understanding.intent or "?"]
    for name, slot in understanding.slots.items():
        resolved = f"→{slot.resolved_id or slot.resolved_name}" if slot.resolved else ""
        unresolved = " (no match)" if slot.is_custom and not slot.resolved else ""
        parts.append(f"{name}={slot.value!r}{resolved}{unresolved}")
    how = understanding.via + (f': "{understanding.sample}"' if understanding.sample else "")
    return " ".join(parts) + f" ({how})"


class Runner:
    """One simulated device: a session, and the turns typed into it."""

    def __init__(
        self,
        handler: Handler,
        nlu: Nlu,
        *,
        locale: str = DEFAULT_LOCALE,
        user_id: str = LOCAL_USER_ID,
        show_json: bool = False,
        show_ssml: bool = False,
        audio: AudioWriter | None = None,
        out: TextIO = sys.stdout,
    ) -> None:
        self.handler = handler
        self.nlu = nlu
        self.locale = locale
        self.session = Session(user_id=user_id)
        self.show_json = show_json
        self.show_ssml = show_ssml
        self.audio = audio
        self.out = out
        self.turns = 0
        self.reprompt: str | None = None
        self.reprompted = False
        self.dim = out.isatty() and "NO_COLOR" not in os.environ

    def say(self, line: str = "") -> None:
        print(line, file=self.out)

    def note(self, line: str) -> None:
        """A line about the conversation rather than part of it, dimmed on a terminal."""
        self.say(f"\033[2m{line}\033[0m" if self.dim else line)

    def turn(self, text: str) -> None:
        """Everything that follows one thing the user typed (or an empty line: silence)."""
        if text.strip() == "" and self.session.is_open:
            self._silence()
            return
        if text.strip().lower() in LAUNCH_WORDS:
            self._launch()
            return
        understanding = self.nlu.understand(text)
        self.note(f"  → {describe(understanding)}")
        if understanding.kind == "launch":
            self._launch()
            return
        assert understanding.intent is not None
        envelope = intent_request(
            understanding.intent,
            understanding.request_slots(),
            session=self.session,
            locale=self.locale,
        )
        self._exchange(envelope)

    def _launch(self) -> None:
        # Invoking the skill again starts a new session, whatever was open.
        if self.session.is_open:
            self.session.restart()
        self._exchange(launch_request(session=self.session, locale=self.locale))

    def _silence(self) -> None:
        # Alexa speaks the reprompt once; a second silence (or none to speak) ends the session.
        self.note("  (silence)")
        if self.reprompt and not self.reprompted:
            self.reprompted = True
            self.say(f"alexa> {self.reprompt}")
            return
        self.note("  (no answer: Alexa closes the session with a SessionEndedRequest)")
        envelope = session_ended_request(
            "EXCEEDED_MAX_REPROMPTS", session=self.session, locale=self.locale
        )
        self._send(envelope)
        self.session.restart()
        self.reprompt = None
        self.say("  (session ended)")

    def _send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        if self.show_json:
            self.note("request:\n" + json.dumps(envelope, indent=2))
        # A JSON round trip, as over the wire, so nothing shares objects with our session.
        response = self.handler(json.loads(json.dumps(envelope)), None)
        if not isinstance(response, dict):
            raise TypeError(f"the handler returned {type(response).__name__}, not a dict")
        if self.show_json:
            self.note("response:\n" + json.dumps(response, indent=2))
        return cast(dict[str, Any], response)

    def _exchange(self, envelope: dict[str, Any]) -> None:
        response_envelope = self._send(envelope)
        self.turns += 1
        response = response_envelope.get("response") or {}
        self._show_speech(response)
        self._show_extras(response)
        omitted = "shouldEndSession" not in response
        if self.session.apply(response_envelope):
            self.reprompt = None
            why = " (shouldEndSession omitted: a voice-only Echo closes it)" if omitted else ""
            self.say(f"  (session ended){why}")

    def _show_speech(self, response: Mapping[str, Any]) -> None:
        text, raw = speech_of(response.get("outputSpeech"))
        self.say(f"alexa> {text}" if text else "alexa> (says nothing)")
        if self.show_ssml and raw:
            self.note(f"  ssml: {raw}")
        reprompt, reprompt_raw = speech_of((response.get("reprompt") or {}).get("outputSpeech"))
        self.reprompt, self.reprompted = reprompt or None, False
        if reprompt:
            self.note(f"  (if you say nothing: {reprompt})")
        if self.show_ssml and reprompt_raw:
            self.note(f"  reprompt ssml: {reprompt_raw}")
        if self.audio is not None and raw:
            for line in self.audio.write(self.turns, raw):
                self.note(f"  {line}")

    def _show_extras(self, response: Mapping[str, Any]) -> None:
        card = response.get("card")
        if card:
            title = card.get("title") or card.get("type", "card")
            self.say(f"  [card] {title}")
            body = card.get("content") or card.get("text") or ""
            for line in str(body).splitlines():
                self.say(f"    {line}")
        for directive in response.get("directives") or []:
            self.note(f"  (directive: {directive.get('type', '?')})")

    def interactive(self) -> None:
        # Line editing and history for input(), where the platform has them.
        with contextlib.suppress(ImportError):
            importlib.import_module("readline")
        self.note(f'Type to the skill; an empty line or "open" launches it, {QUIT} leaves.')
        echo = not sys.stdin.isatty()
        while True:
            try:
                line = input("you> ")
                if echo:
                    # Piped input is not echoed by the terminal; keep the transcript readable.
                    self.say(line)
                if line.strip() == QUIT:
                    return
                self.turn(line)
            except (EOFError, KeyboardInterrupt):
                self.say()
                return
            except Exception:
                # A broken turn should not end the conversation being explored.
                traceback.print_exc()


# --- command line -------------------------------------------------------------------------


def load_handler(seed: int | None, logs: bool = False) -> Handler:
    """The real Lambda handler, imported as Lambda imports it."""
    if seed is not None:
        os.environ["AFTERCARE_SEED"] = str(seed)
    if not logs:
        # The skill's per-request log lines would interleave with the transcript.
        os.environ.setdefault("LOG_LEVEL", "WARNING")
    lambda_dir = str(REPO_ROOT / "lambda")
    if lambda_dir not in sys.path:
        sys.path.insert(0, lambda_dir)
    module = importlib.import_module("lambda_function")
    return cast(Handler, module.handler)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.chat", description=__doc__)
    parser.add_argument(
        "--say",
        action="append",
        metavar="TEXT",
        help="say this and exit; repeat for several turns of one conversation",
    )
    parser.add_argument("--locale", default=DEFAULT_LOCALE, help="default: %(default)s")
    parser.add_argument("--show-json", action="store_true", help="print both envelopes")
    parser.add_argument("--ssml", action="store_true", help="print the raw SSML too")
    parser.add_argument("--seed", type=int, help="sets AFTERCARE_SEED, to repeat phrasings")
    parser.add_argument(
        "--audio", type=Path, metavar="DIR", help="write each reply as DIR/turn-NN.ssml (and .wav)"
    )
    parser.add_argument("--logs", action="store_true", help="show the skill's INFO logs")
    parser.add_argument(
        "--new-user", action="store_true", help="a fresh user id, so nothing is remembered"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    model_path = MODELS_DIR / f"{args.locale}.json"
    if not model_path.is_file():
        print(f"no interaction model at {model_path}", file=sys.stderr)
        return 2
    nlu = Nlu.from_file(model_path)
    handler = load_handler(args.seed, logs=args.logs)
    user_id = f"amzn1.ask.account.LOCAL-{uuid.uuid4().hex.upper()}" if args.new_user else None
    runner = Runner(
        handler,
        nlu,
        locale=args.locale,
        user_id=user_id or LOCAL_USER_ID,
        show_json=args.show_json,
        show_ssml=args.ssml,
        audio=AudioWriter(args.audio, args.locale) if args.audio else None,
    )
    if not args.say:
        runner.interactive()
        return 0
    for text in args.say:
        runner.say(f"you> {text}")
        runner.turn(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
