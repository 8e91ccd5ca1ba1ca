"""Wiring: content, voice, store and handlers made into one skill, built once at start-up."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import Response, ResponseEnvelope

from aftercare import guard, logs
from aftercare.config import Config
from aftercare.content import Library, find_content_dir
from aftercare.conversation import TURN_KEY, Turn
from aftercare.envelope import EnvelopeSerializer, prime
from aftercare.handlers import (
    builtins,
    discreet,
    followups,
    learn,
    privacy,
    safety,
    therapist,
    winddown,
)
from aftercare.persistence import make_store
from aftercare.speech import Renderer, Voice
from aftercare.state import SessionState

log = logging.getLogger(__name__)

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


class Apologies:
    """The spoken apology for each locale, rendered at start-up so it cannot fail when needed."""

    def __init__(self, library: Library, renderer: Renderer) -> None:
        self._library = library
        self._by_locale: dict[str, tuple[str, str]] = {}
        for locale in library.locales:
            voice = Voice(library.for_locale(locale), renderer, choose=lambda options: options[0])
            self._by_locale[locale] = (
                voice.ssml("lines", keys=["error"]),
                voice.ssml("lines", keys=["error_reprompt"]),
            )

    def response(self, locale: str | None) -> Response:
        speech, reprompt = self._by_locale[self._library.for_locale(locale).locale]
        return ResponseFactory().speak(speech).ask(reprompt).response


class TurnInterceptor(AbstractRequestInterceptor):
    """Before every handler: the locale's voice and the session state, in one Turn."""

    def __init__(self, library: Library, renderer: Renderer, seed: int | None) -> None:
        self.library = library
        self.renderer = renderer
        self.seed = seed
        # Unseeded, phrasings come from the system's randomness, which has no state in the
        # process: every copy of an initialised process (SnapStart restores many from one
        # snapshot) still chooses differently.
        self._rng = random.SystemRandom()

    def _rng_for(self, request_id: str) -> random.Random:
        # Seeded per request, so a seeded run says the same whatever the order of requests.
        return random.Random(f"{self.seed}:{request_id}") if self.seed is not None else self._rng

    def process(self, handler_input: HandlerInput) -> None:
        envelope = handler_input.request_envelope
        request = envelope.request
        if request is None:
            raise ValueError("the envelope has no request")
        rng = self._rng_for(str(request.request_id))
        attributes = envelope.session.attributes if envelope.session else None
        turn = Turn(
            handler_input=handler_input,
            voice=Voice(self.library.for_locale(request.locale), self.renderer, rng.choice),
            state=SessionState.from_attributes(attributes),
            rng=rng,
        )
        if request.object_type in VOICE_REQUESTS:
            # Discreet mode is a stored preference: the one store read of the session happens
            # here, before any handler speaks.
            turn.voice.quiet = turn.profile().quiet
        handler_input.attributes_manager.request_attributes[TURN_KEY] = turn


class SessionStateInterceptor(AbstractResponseInterceptor):
    """After every handler: the session state goes back to Alexa in the session attributes."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        if isinstance(turn, Turn) and turn.in_session:
            handler_input.attributes_manager.session_attributes = turn.state.to_attributes()


class ApologyHandler(AbstractExceptionHandler):
    """Any error in a handler: a kind apology, the session kept open and its state unchanged."""

    def __init__(self, apologies: Apologies) -> None:
        self.apologies = apologies

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("a handler failed", exc_info=exception)
        request = handler_input.request_envelope.request
        if getattr(request, "object_type", None) not in VOICE_REQUESTS:
            return Response()
        return self.apologies.response(getattr(request, "locale", None))


def request_handlers() -> list[AbstractRequestHandler]:
    """Every request handler, in the order the SDK tries them: first match wins."""
    return [
        # Safety first: whatever else is going on, these words must reach it.
        *safety.handlers(),
        # Before the built-ins: during a wind-down, repeat, help, stop ... are its controls.
        *winddown.handlers(),
        *builtins.handlers(),
        *privacy.handlers(),
        *discreet.handlers(),
        *learn.handlers(),
        *therapist.handlers(),
        *followups.handlers(),
        *builtins.catch_alls(),
    ]


def build_skill(
    config: Config,
    store: AbstractPersistenceAdapter,
    library: Library,
    renderer: Renderer,
    apologies: Apologies,
) -> CustomSkill:
    builder = CustomSkillBuilder(persistence_adapter=store)
    # The SDK checks the skill id too; the handler below refuses first, with a clear log line.
    builder.skill_id = config.skill_id  # type: ignore[assignment]  # SDK annotates it as None
    for handler in request_handlers():
        builder.add_request_handler(handler)
    builder.add_global_request_interceptor(TurnInterceptor(library, renderer, config.seed))
    builder.add_global_request_interceptor(therapist.PracticeInterceptor(config.practice))
    builder.add_global_response_interceptor(SessionStateInterceptor())
    builder.add_exception_handler(ApologyHandler(apologies))
    return builder.create()


VOICE_REQUESTS = ("LaunchRequest", "IntentRequest")
"""Requests a listener is waiting to hear an answer to; others get an empty response."""


def _describe(event: object) -> dict[str, Any]:
    """The request's safe, loggable fields, read from the raw event so they exist even when the
    SDK cannot read it."""
    request = event.get("request") if isinstance(event, dict) else None
    request = request if isinstance(request, dict) else {}
    intent = request.get("intent")
    fields = {
        "request_id": request.get("requestId"),
        "request_type": request.get("type"),
        "intent": intent.get("name") if isinstance(intent, dict) else None,
        "locale": request.get("locale"),
    }
    return {key: value for key, value in fields.items() if isinstance(value, str)}


def _application_id(event: dict[str, Any]) -> object:
    try:
        return event["context"]["System"]["application"]["applicationId"]
    except (KeyError, TypeError):
        return None


class ForeignSkillError(PermissionError):
    """A request from a skill other than the configured one."""


def build_handler(config: Config | None = None) -> LambdaHandler:
    """The Lambda handler: the skill, and a last guard so Lambda never returns an exception.

    Whatever can be done before the first request is done here, once: content and templates
    loaded, the apology checked, and the SDK primed (see ``aftercare.envelope``).
    """
    config = config or Config.from_env()
    logs.configure(config.log_level, on_lambda=config.on_lambda)
    content_dir = find_content_dir()
    library, renderer = Library(content_dir), Renderer(content_dir)
    apologies = Apologies(library, renderer)
    store = make_store(config)
    store.connect()
    skill = build_skill(config, store, library, renderer, apologies)
    serializer = EnvelopeSerializer()
    prime(serializer)

    def as_json(envelope: ResponseEnvelope) -> dict[str, Any]:
        result = serializer.serialize(envelope)
        assert isinstance(result, dict)
        return result

    # The answer of last resort must itself pass the guard, or start-up fails.
    for locale in library.locales:
        found = guard.problems(
            as_json(ResponseEnvelope(version="1.0", response=apologies.response(locale))),
            "LaunchRequest",
        )
        if found:
            raise ValueError(f"the {locale} apology fails the guard: {'; '.join(found)}")

    def safe_answer(event: object, fields: dict[str, Any]) -> dict[str, Any]:
        """The apology for a listener who is waiting, with the session as it came in so nothing
        is lost; an empty response for anything else."""
        if fields.get("request_type") not in VOICE_REQUESTS:
            return as_json(ResponseEnvelope(version="1.0", response=Response()))
        session = event.get("session") if isinstance(event, dict) else None
        attributes = session.get("attributes") if isinstance(session, dict) else None
        return as_json(
            ResponseEnvelope(
                version="1.0",
                response=apologies.response(fields.get("locale")),
                session_attributes=attributes if isinstance(attributes, dict) else None,
            )
        )

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        started = time.perf_counter()
        if config.skill_id and _application_id(event) != config.skill_id:
            log.warning("refused a request from another skill")
            raise ForeignSkillError("this function answers one skill only")
        fields = _describe(event)
        outcome = "ok"
        try:
            envelope = serializer.read(event)
            if envelope.request is None:
                raise ValueError("no request in the envelope")
        except Exception:
            # Bad input, not a fault of the skill: a warning, and a safe answer.
            log.warning("could not read the request", extra=fields)
            envelope, result, outcome = None, safe_answer(event, fields), "unreadable"
        if envelope is not None:
            try:
                result = as_json(skill.invoke(envelope, context))
            except Exception as error:
                log.error("the request could not be handled", exc_info=error, extra=fields)
                result, outcome = safe_answer(event, fields), "apology"
        found = guard.problems(result, fields.get("request_type"))
        if found:
            log.error("a response failed the guard: %s", "; ".join(found), extra=fields)
            result, outcome = safe_answer(event, fields), "guarded"
        if log.isEnabledFor(logging.INFO):
            latency = round((time.perf_counter() - started) * 1000, 2)
            log.info("request", extra={**fields, "latency_ms": latency, "outcome": outcome})
        return result

    return handler
