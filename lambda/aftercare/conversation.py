"""The per-request context handlers work with, and the one way a reply becomes a response."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response, Slot
from ask_sdk_model.ui import SimpleCard

from aftercare.profile import Profile
from aftercare.speech import Voice
from aftercare.state import LastReply, SessionState

log = logging.getLogger(__name__)
TURN_KEY = "turn"


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
    intent_name: str | None = None

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
        kept in the session state, so a session reads the store once.

        A store that cannot be reached gives an empty profile for this request (and is tried
        again on the next): the conversation goes on.
        """
        if self.state.stored is not None:
            return self.state.stored
        manager = self.handler_input.attributes_manager
        try:
            self.state.stored = Profile.from_attributes(manager.persistent_attributes)
        except Exception:
            log.warning("profile store unavailable; continuing without it", exc_info=True)
            return Profile()
        return self.state.stored

    def save_profile(self, profile: Profile) -> None:
        """Keep a changed profile for the session and write it to the store, only when it
        differs from what is stored; a failure is logged and the conversation goes on."""
        before = self.profile()
        self.state.stored = profile
        if not profile.needs_saving(before):
            return
        manager = self.handler_input.attributes_manager
        try:
            manager.persistent_attributes = profile.to_attributes()
            manager.save_persistent_attributes()
        except Exception:
            log.warning("profile store unavailable; change kept for this session", exc_info=True)

    def forget(self) -> bool:
        """Delete everything stored about the listener; False when the store could not do it."""
        try:
            self.handler_input.attributes_manager.delete_persistent_attributes()
        except Exception:
            log.warning("profile store unavailable; nothing was deleted", exc_info=True)
            return False
        self.state.stored = Profile()
        return True


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
