"""The guided wind-down: start it, move through its parts, pause, slow down, stop, resume later.

Which part comes next is decided by the state machine in ``aftercare.winddown``; this module
reads the request, keeps the session and the stored progress in step, and renders the part.

Next, Previous, Pause, Resume and Slower always steer the wind-down of the session (and offer
one when there is none). Repeat, Start over, Help, Stop, Cancel, "go on" and the fallback mean
the wind-down's own controls only while it is what was last spoken: its offer to go on
(``CONTINUE``) is still pending, so a question about aftercare in between gets its usual answers.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from aftercare import winddown
from aftercare.conversation import Reply, Turn, turn_of
from aftercare.handlers.base import IntentHandler
from aftercare.handlers.followups import what_else_reply
from aftercare.journeys import journey
from aftercare.profile import Profile
from aftercare.slots import resolved_id
from aftercare.speech import Voice
from aftercare.winddown import Progress

START = "winddown"
"""Offer and journey: a new wind-down of the default length."""
RESUME = "winddown_resume"
"""Offer and journey: the unfinished wind-down kept in the store."""
CONTINUE = "winddown_next"
"""Offer pending after every wind-down reply: "yes" goes on."""


def _now(turn: Turn) -> int:
    """The request's time (seconds since 1970), so a replayed request saves the same time."""
    stamp = getattr(turn.handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return int((stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp())
    return int(time.time())


def part_speech(voice: Voice, progress: Progress, preface: Sequence[str] = ()) -> str:
    """The SSML of the part ``progress`` is at, after the preface sentences (phrase keys)."""
    part = winddown.current_part(voice.content.winddown, progress)
    return voice.ssml("winddown_part", part=part, preface=list(preface))


def _soft(turn: Turn, *keys: str, offer: str | None = None) -> str:
    return turn.voice.ssml("winddown_lines", keys=list(keys), next=offer)


def _saved(profile: Profile, progress: Progress | None, now: int) -> Profile:
    return replace(profile, winddown=progress, winddown_saved_at=now if progress else 0)


def _part_reply(turn: Turn, progress: Progress, preface: Sequence[str] = ()) -> Reply:
    """Speak the part ``progress`` is at, and remember it in the session and in the store, so a
    later session can resume it. The closing part ends the session and forgets the wind-down."""
    script = turn.voice.content.winddown
    progress = winddown.resume(progress)
    final = winddown.is_final(script, progress)
    profile = turn.profile()
    if not profile.disclaimer_heard:
        preface = ("disclaimer", *preface)
    stored = replace(profile, disclaimer_heard=True)
    turn.save_profile(_saved(stored, None if final else progress, _now(turn)))
    speech = part_speech(turn.voice, progress, preface)
    state = turn.state
    state.asked_what_else = False
    # Parts are long: Repeat re-renders the part from the state instead of keeping its speech.
    if final:
        state.winddown, state.offer = None, None
        return Reply(speech=speech, end_session=True, remember=False)
    state.winddown, state.offer = progress, CONTINUE
    return Reply(speech=speech, reprompt=_soft(turn, "winddown_reprompt"), remember=False)


def start_reply(turn: Turn, duration: str | None = None, company: str | None = None) -> Reply:
    progress = winddown.begin(turn.voice.content.winddown, duration, company)
    return _part_reply(turn, progress, (f"winddown_length_{progress.minutes}",))


@journey(START)
def offered_start_reply(turn: Turn) -> Reply:
    return start_reply(turn)


def _offer_reply(turn: Turn, key: str, target: str) -> Reply:
    """A short note and one offer ("yes" takes it)."""
    turn.state.offer, turn.state.asked_what_else = target, False
    return Reply(
        speech=_soft(turn, key, offer=target),
        reprompt=turn.voice.ssml("offer", next=target),
        remember=False,
    )


def _unfinished(turn: Turn) -> Progress | None:
    return winddown.restore(turn.voice.content.winddown, turn.profile().winddown)


@journey(RESUME)
def resume_stored_reply(turn: Turn) -> Reply:
    """The wind-down left unfinished in an earlier session, from the part it was at."""
    progress = _unfinished(turn)
    if progress is None:
        return _offer_reply(turn, "winddown_nothing_to_resume", START)
    return _part_reply(turn, progress, ("winddown_resume_stored",))


def not_playing_reply(turn: Turn) -> Reply:
    """A control with no wind-down under way: offer to resume the unfinished one, or start one."""
    target = RESUME if _unfinished(turn) else START
    return _offer_reply(turn, "winddown_not_playing", target)


@journey(CONTINUE)
def continue_reply(turn: Turn) -> Reply:
    """Go on: after a pause, the interrupted part again; otherwise the next part. With no
    wind-down in this session, the unfinished one from an earlier session."""
    progress = turn.state.winddown
    if progress is None:
        return resume_stored_reply(turn)
    if progress.paused:
        return _part_reply(turn, progress, ("winddown_resuming",))
    return _part_reply(turn, winddown.next_step(turn.voice.content.winddown, progress))


def next_reply(turn: Turn) -> Reply:
    progress = turn.state.winddown
    if progress is None:
        return not_playing_reply(turn)
    return _part_reply(turn, winddown.next_step(turn.voice.content.winddown, progress))


def previous_reply(turn: Turn) -> Reply:
    progress = turn.state.winddown
    if progress is None:
        return not_playing_reply(turn)
    preface = "winddown_at_beginning" if progress.step == 0 else "winddown_going_back"
    return _part_reply(turn, winddown.previous_step(progress), (preface,))


def slower_reply(turn: Turn) -> Reply:
    """The current part again, slower and with longer pauses (it may have been cut short)."""
    progress = turn.state.winddown
    if progress is None:
        return not_playing_reply(turn)
    script = turn.voice.content.winddown
    if winddown.is_slowest(script, progress):
        return _part_reply(turn, progress, ("winddown_slowest",))
    return _part_reply(turn, winddown.slower(script, progress), ("winddown_slowing",))


def _interrupted_reply(turn: Turn, progress: Progress, key: str, reprompt: str) -> Reply:
    """A short reply in the middle of a part: the part counts as paused, so "resume" plays it
    again. The session stays open; the progress is already stored, for a later session."""
    turn.state.winddown, turn.state.offer = winddown.pause(progress), CONTINUE
    return Reply(speech=_soft(turn, key), reprompt=_soft(turn, reprompt), remember=False)


def held_reply(turn: Turn, progress: Progress, key: str) -> Reply:
    """Another journey's short answer (phrase ``key``) in the middle of a wind-down: said in the
    wind-down's voice, then the part is held so "resume" plays it again."""
    turn.state.winddown, turn.state.offer = winddown.pause(progress), CONTINUE
    return Reply(
        speech=_soft(turn, key, "winddown_paused"),
        reprompt=_soft(turn, "winddown_paused_reprompt"),
        remember=False,
    )


def pause_reply(turn: Turn) -> Reply:
    progress = turn.state.winddown
    if progress is None:
        return not_playing_reply(turn)
    return _interrupted_reply(turn, progress, "winddown_paused", "winddown_paused_reprompt")


def stop_reply(turn: Turn, progress: Progress) -> Reply:
    """One warm closing line; the stored progress stays, to resume another time."""
    turn.state.winddown, turn.state.offer = None, None
    return Reply(speech=_soft(turn, f"winddown_stop_{progress.company}"), end_session=True)


def welcome_back_reply(turn: Turn, first_use: bool) -> Reply | None:
    """The welcome offering to pick up a recently interrupted wind-down, or None if there is
    none to offer."""
    profile = turn.profile()
    if _unfinished(turn) is None or not winddown.worth_offering(
        profile.winddown_saved_at, _now(turn)
    ):
        return None
    turn.state.offer, turn.state.asked_what_else = RESUME, False
    return Reply(
        speech=turn.voice.ssml("winddown_welcome", first_use=first_use, returning=not first_use),
        reprompt=turn.voice.ssml("offer", next=RESUME),
    )


def _in_foreground(turn: Turn) -> bool:
    return turn.state.winddown is not None and turn.state.offer == CONTINUE


class StartWindDownHandler(IntentHandler):
    intent_names = ("StartWindDownIntent",)

    def reply(self, turn: Turn) -> Reply:
        length = turn.slot("length")
        return start_reply(
            turn, length.value if length else None, resolved_id(turn.slot("company"))
        )


class ResumeWindDownHandler(IntentHandler):
    """ "Resume my wind-down", and Alexa's "resume" or "continue"."""

    intent_names = ("ResumeWindDownIntent", "AMAZON.ResumeIntent")

    def reply(self, turn: Turn) -> Reply:
        return continue_reply(turn)


class NextHandler(IntentHandler):
    intent_names = ("AMAZON.NextIntent",)

    def reply(self, turn: Turn) -> Reply:
        return next_reply(turn)


class PreviousHandler(IntentHandler):
    intent_names = ("AMAZON.PreviousIntent",)

    def reply(self, turn: Turn) -> Reply:
        return previous_reply(turn)


class PauseHandler(IntentHandler):
    intent_names = ("AMAZON.PauseIntent",)

    def reply(self, turn: Turn) -> Reply:
        return pause_reply(turn)


class SlowerHandler(IntentHandler):
    intent_names = ("SlowerIntent",)

    def reply(self, turn: Turn) -> Reply:
        return slower_reply(turn)


class DeclineResumeHandler(IntentHandler):
    """ "No" to picking up an unfinished wind-down: it is forgotten, so it is not offered again."""

    intent_names = ("AMAZON.NoIntent",)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return super().can_handle(handler_input) and turn_of(handler_input).state.offer == RESUME

    def reply(self, turn: Turn) -> Reply:
        turn.save_profile(_saved(turn.profile(), None, 0))
        return what_else_reply(turn)


class DuringWindDownHandler(IntentHandler):
    """An intent that means a wind-down control while the wind-down is what was last spoken."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return super().can_handle(handler_input) and _in_foreground(turn_of(handler_input))

    def reply(self, turn: Turn) -> Reply:
        progress = turn.state.winddown
        assert progress is not None  # can_handle made sure
        return self.control(turn, progress)

    @abstractmethod
    def control(self, turn: Turn, progress: Progress) -> Reply:
        """What this control does to the wind-down under way."""


class RepeatPartHandler(DuringWindDownHandler):
    intent_names = ("AMAZON.RepeatIntent",)

    def control(self, turn: Turn, progress: Progress) -> Reply:
        return _part_reply(turn, progress)


class StartOverPartHandler(DuringWindDownHandler):
    intent_names = ("AMAZON.StartOverIntent",)

    def control(self, turn: Turn, progress: Progress) -> Reply:
        return _part_reply(turn, winddown.start_over(progress), ("winddown_starting_over",))


class GoOnHandler(DuringWindDownHandler):
    """ "Go on", "keep going", "carry on": what "tell me more" means during a wind-down."""

    intent_names = ("TellMeMoreIntent",)

    def control(self, turn: Turn, progress: Progress) -> Reply:
        return continue_reply(turn)


class WindDownHelpHandler(DuringWindDownHandler):
    intent_names = ("AMAZON.HelpIntent",)

    def control(self, turn: Turn, progress: Progress) -> Reply:
        return _interrupted_reply(turn, progress, "winddown_help", "winddown_help_reprompt")


class WindDownFallbackHandler(DuringWindDownHandler):
    intent_names = ("AMAZON.FallbackIntent",)

    def control(self, turn: Turn, progress: Progress) -> Reply:
        return _interrupted_reply(turn, progress, "winddown_fallback", "winddown_reprompt")


class WindDownStopHandler(DuringWindDownHandler):
    intent_names = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def control(self, turn: Turn, progress: Progress) -> Reply:
        return stop_reply(turn, progress)


class HeardToTheEndHandler(AbstractRequestHandler):
    """The session closed because a part's closing prompt went unanswered: that part was heard
    to its end, so the stored progress moves on and a later resume starts with the next part.
    (After a pause, the part was cut short and the progress stays where it is.)"""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("SessionEndedRequest")(handler_input):
            return False
        reason = getattr(handler_input.request_envelope.request, "reason", None)
        turn = turn_of(handler_input)
        progress = turn.state.winddown
        return (
            getattr(reason, "value", reason) == "EXCEEDED_MAX_REPROMPTS"
            and _in_foreground(turn)
            and progress is not None
            and not progress.paused
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        progress = turn.state.winddown
        assert progress is not None
        after = winddown.next_step(turn.voice.content.winddown, progress)
        turn.save_profile(_saved(turn.profile(), after, _now(turn)))
        return handler_input.response_builder.response


def handlers() -> list[AbstractRequestHandler]:
    """Registered before the built-ins, so a wind-down's own controls win while it plays."""
    return [
        StartWindDownHandler(),
        ResumeWindDownHandler(),
        NextHandler(),
        PreviousHandler(),
        PauseHandler(),
        SlowerHandler(),
        DeclineResumeHandler(),
        RepeatPartHandler(),
        StartOverPartHandler(),
        GoOnHandler(),
        WindDownHelpHandler(),
        WindDownFallbackHandler(),
        WindDownStopHandler(),
        HeardToTheEndHandler(),
    ]
