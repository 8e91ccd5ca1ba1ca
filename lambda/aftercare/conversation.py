"""The per-request context handlers work with, and the one way a reply becomes a response."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field, replace

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response, Slot
from ask_sdk_model.ui import SimpleCard

from aftercare.persistence.records import Record, StaleWrite, failure_name, stamp_of
from aftercare.profile import Profile
from aftercare.speech import Voice
from aftercare.state import PROFILE_FIELDS, LastReply, SessionState

log = logging.getLogger(__name__)
TURN_KEY = "turn"
READ_REST_MS = 30_000
"""After the store failed, how long a session with nothing to write leaves it alone: a store
that is down must not cost every turn its timeout."""
MERGE_ATTEMPTS = 3
"""Writes of one change racing other sessions' writes before it waits for the next turn."""


@dataclass
class Reply:
    """What the listener hears and sees for one request."""

    speech: str
    """Inner SSML."""
    reprompt: str | None = None
    """Inner SSML; required whenever the session stays open."""
    card_title: str | None = None
    card_text: str | None = None
    end_session: bool = False
    remember: bool = True
    """Keep it for "repeat that"."""


@dataclass
class Turn:
    """One request: its voice (locale, templates, phrasing), session state and profile."""

    handler_input: HandlerInput
    voice: Voice
    state: SessionState
    rng: random.Random
    store_failed: bool = field(default=False, init=False)
    """The store failed during this request: nothing calls it again before the next request."""

    def slot(self, name: str) -> Slot | None:
        """A slot of the intent, or None when the request has no such slot."""
        intent = getattr(self.handler_input.request_envelope.request, "intent", None)
        slots = getattr(intent, "slots", None) or {}
        slot = slots.get(name)
        return slot if isinstance(slot, Slot) else None

    @property
    def in_session(self) -> bool:
        return self.handler_input.request_envelope.session is not None

    def profile(self) -> Profile:
        """The listener's profile: read from the store on the session's first need of it, then
        kept in the session state with the session's changes, so a session reads it once.

        A store that fails does not stop the conversation: it goes on with what the session
        knows (defaults, if nothing could be read), and changes wait in the session until a
        later turn writes them, merged into the stored record.
        """
        self._sync()
        return self.state.stored if self.state.stored is not None else Profile()

    def save_profile(self, profile: Profile) -> None:
        """Keep a changed profile for the session and write it to the store, only when it
        differs from what is stored; a change the store does not take waits in the session."""
        before = self.profile()
        self.state.stored = profile
        if not profile.needs_saving(before):
            return
        self.state.unsaved = sorted({*self.state.unsaved, *_changed(before, profile)})
        self._sync()

    def save_pending(self) -> None:
        """Write what the store could not take on earlier turns, if anything waits: at the end
        of a session this is the last chance, and nobody is waiting for the answer."""
        if self.state.unsaved:
            self._sync()

    def forget(self) -> bool:
        """Delete everything stored about the listener; False when the store could not do it."""
        if self.store_failed:
            return False
        try:
            self.handler_input.attributes_manager.delete_persistent_attributes()
        except Exception as error:
            self._failed("delete", error, "nothing was deleted")
            return False
        state = self.state
        state.stored, state.stored_at, state.unsaved, state.unread = Profile(), 0, [], False
        return True

    def _now(self) -> int:
        return stamp_of(self.handler_input.request_envelope)

    def _sync(self) -> None:
        """Read the record if the session has none yet, and write what waits to be written.

        Reads and writes are skipped once the store failed during this request (one failing
        call per request at most). After a failure a session with nothing to write does not
        read again for ``READ_REST_MS``; one with changes tries on every later turn, so the
        latest state is written on the first turn the store answers.
        """
        state = self.state
        if state.stored is None or state.unread:
            self._read()
        if state.unsaved and not state.unread:
            self._write()

    def _read(self) -> None:
        state = self.state
        resting = state.store_failed_at > 0 and self._now() < state.store_failed_at + READ_REST_MS
        if self.store_failed or (resting and not state.unsaved):
            if state.stored is None:
                state.stored, state.unread = Profile(), True
            return
        try:
            record = self.handler_input.attributes_manager.persistent_attributes
        except Exception as error:
            self._failed("read", error, "going on with what the session knows")
            if state.stored is None:
                state.stored, state.unread = Profile(), True
            return
        fresh = Profile.from_attributes(record)
        if state.stored is not None and state.unsaved:
            # Never the defaults of a session that could not read: only what it changed.
            fresh = _merged(fresh, state.stored, state.unsaved)
        state.stored, state.unread = fresh, False
        state.stored_at = record.written_at if isinstance(record, Record) else 0

    def _write(self) -> None:
        """Write the session's profile over the record it was read from. When someone else
        wrote in between, their record wins where this session changed nothing; when that
        record is newer than this request, it wins outright."""
        state = self.state
        now, manager = self._now(), self.handler_input.attributes_manager
        for _ in range(MERGE_ATTEMPTS):
            if self.store_failed or state.stored is None:
                return
            try:
                manager.persistent_attributes = Record(
                    state.stored.to_attributes(), state.stored_at
                )
                manager.save_persistent_attributes()
            except StaleWrite as refused:
                current = refused.current
                fresh = Profile.from_attributes(current)
                merged = _merged(fresh, state.stored, state.unsaved)
                state.stored_at = current.written_at
                if current.written_at > now or merged == fresh:
                    if current.written_at > now:
                        log.info("the stored record is newer than this request's change; it stands")
                    state.stored, state.unsaved = fresh, []
                    return
                state.stored = merged
                continue
            except Exception as error:
                self._failed("write", error, "the change waits in the session")
                return
            state.stored_at, state.unsaved = now, []
            return
        log.info("the stored record kept changing; this change waits for the next turn")

    def _failed(self, operation: str, error: Exception, outcome: str) -> None:
        """One warning line: which operation, the error's name, what happens instead."""
        self.store_failed = True
        self.state.store_failed_at = self._now()
        log.warning("profile store %s failed (%s); %s", operation, failure_name(error), outcome)


def _changed(before: Profile, after: Profile) -> set[str]:
    return {name for name in PROFILE_FIELDS if getattr(before, name) != getattr(after, name)}


def _merged(stored: Profile, mine: Profile, names: list[str]) -> Profile:
    """``stored`` with the fields ``names`` taken from ``mine``; a wind-down goes with when it
    was saved."""
    taken = {name for name in names if name in PROFILE_FIELDS}
    if "winddown" in taken:
        taken.add("winddown_saved_at")
    return replace(stored, **{name: getattr(mine, name) for name in taken})


def turn_of(handler_input: HandlerInput) -> Turn:
    turn = handler_input.attributes_manager.request_attributes[TURN_KEY]
    assert isinstance(turn, Turn)
    return turn


def respond(handler_input: HandlerInput, reply: Reply) -> Response:
    """Build the SDK response for a reply, remembering it for "repeat"."""
    builder = handler_input.response_builder
    builder.speak(reply.speech)
    if reply.card_title and reply.card_text:
        builder.set_card(SimpleCard(title=reply.card_title, content=reply.card_text))
    if reply.end_session:
        builder.set_should_end_session(True)
    else:
        builder.ask(reply.reprompt or reply.speech)
    turn = turn_of(handler_input)
    if reply.remember and not reply.end_session:
        turn.state.last = LastReply(reply.speech, reply.reprompt, reply.card_title, reply.card_text)
    return builder.response
