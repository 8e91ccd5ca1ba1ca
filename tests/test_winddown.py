"""The guided wind-down at the envelope: starting it, its controls, and coming back to it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aftercare import winddown
from aftercare.content import Library, find_content_dir
from aftercare.persistence.embedded import EmbeddedStore
from aftercare.winddown import Progress
from tests.harness import Conversation, Heard, slot_of
from tools import envelopes
from tools.winddown_duration import estimate

CONTENT = Library(find_content_dir()).for_locale("en-US")
SCRIPT = CONTENT.winddown
PHRASES = CONTENT.phrases
START = "StartWindDownIntent"


def opening(minutes: int, company: str, step: int = 0) -> str:
    """The first sentence of a part of the script."""
    part = winddown.plan(SCRIPT, Progress(minutes, company))[step]
    return part.blocks[0].cues[0].text


def closing(minutes: int, company: str) -> str:
    """The last sentence of the whole wind-down."""
    part = winddown.plan(SCRIPT, Progress(minutes, company))[-1]
    return [cue.text for cue in part.blocks[-1].cues if cue.text][-1]


def said(heard: Heard, key: str) -> bool:
    return any(line in heard.text for line in PHRASES[key])


def start(
    conversation: Conversation, length: str | None = None, company: str | None = None
) -> Heard:
    slots = {
        "length": envelopes.Slot(length, slot_type="AMAZON.DURATION") if length else None,
        "company": slot_of("WINDDOWN_COMPANY", company) if company else None,
    }
    return conversation.say(START, **slots)


def breaks_ms(heard: Heard) -> list[int]:
    return [int(ms) for ms in re.findall(r'<break time="(\d+)ms"/>', heard.ssml)]


def rates(heard: Heard) -> list[int]:
    return [int(rate) for rate in re.findall(r'rate="(\d+)%"', heard.ssml) if rate != "100"]


def test_one_sentence_from_outside_the_skill_starts_the_default_wind_down(
    conversation: Conversation,
) -> None:
    heard = start(conversation)
    assert said(heard, f"winddown_length_{SCRIPT.default_minutes}")
    assert opening(SCRIPT.default_minutes, "alone") in heard.text
    assert said(heard, "winddown_prompt")
    assert heard.reprompt in PHRASES["winddown_reprompt"]
    assert not heard.ends_session


def test_the_first_wind_down_of_a_new_listener_carries_the_disclaimer_once(
    conversation: Conversation,
) -> None:
    assert PHRASES["disclaimer"][0] in start(conversation).text
    assert PHRASES["disclaimer"][0] not in start(conversation).text


@pytest.mark.parametrize(("length", "minutes"), [("PT3M", 3), ("PT5M", 5), ("PT10M", 10)])
def test_each_length_is_announced_and_played(
    conversation: Conversation, length: str, minutes: int
) -> None:
    heard = start(conversation, length)
    assert said(heard, f"winddown_length_{minutes}")
    assert opening(minutes, "alone") in heard.text
    assert heard.attributes["winddown"]["minutes"] == minutes


@pytest.mark.parametrize("spoken", ["with my partner", "together", "us", "the two of us"])
def test_together_changes_the_words(conversation: Conversation, spoken: str) -> None:
    heard = start(conversation, company=spoken)
    assert opening(5, "together") in heard.text
    assert opening(5, "alone") not in heard.text
    assert opening(5, "together") != opening(5, "alone")


@pytest.mark.parametrize("spoken", ["just me", "by myself", "on my own", "me"])
def test_just_me_uses_the_words_for_one(conversation: Conversation, spoken: str) -> None:
    heard = start(conversation, company=spoken)
    assert opening(5, "alone") in heard.text


def test_an_unresolved_company_falls_back_to_words_that_assume_no_partner(
    conversation: Conversation,
) -> None:
    heard = start(conversation, company="with the neighbours")
    assert opening(5, "alone") in heard.text


@pytest.mark.parametrize("minutes", sorted(SCRIPT.lengths))
@pytest.mark.parametrize("company", winddown.COMPANIES)
def test_each_wind_down_plays_to_its_end_with_at_most_three_nexts(
    conversation: Conversation, minutes: int, company: str
) -> None:
    heard = start(conversation, f"PT{minutes}M", company)
    nexts = 0
    while not heard.ends_session:
        assert said(heard, "winddown_prompt")
        heard = conversation.say("AMAZON.NextIntent")
        nexts += 1
    assert nexts <= 3
    assert heard.text.endswith(closing(minutes, company))
    assert not said(heard, "winddown_prompt")
    assert "outputSpeech" in heard.response and "reprompt" not in heard.response


def test_the_five_minute_wind_down_needs_one_next(conversation: Conversation) -> None:
    start(conversation, "PT5M")
    assert conversation.say("AMAZON.NextIntent").ends_session


def test_a_part_is_minutes_of_speech_within_alexas_limits(conversation: Conversation) -> None:
    heard = start(conversation, "PT10M", "together")
    assert estimate(heard.ssml).seconds > 4 * 60
    assert len(heard.ssml) < 8000
    assert heard.size < 24 * 1024
    assert max(breaks_ms(heard)) <= 10_000


def test_the_voice_slows_and_softens_as_it_goes(conversation: Conversation) -> None:
    first = start(conversation, "PT5M")
    second = conversation.say("AMAZON.NextIntent")
    every_rate = rates(first) + rates(second)
    assert every_rate == sorted(every_rate, reverse=True)
    assert every_rate[-1] < every_rate[0]
    assert 'volume="+0dB"' in first.ssml and 'volume="-6dB"' in second.ssml


def test_session_attributes_stay_compact(conversation: Conversation) -> None:
    heard = start(conversation, "PT10M", "together")
    assert heard.attributes["winddown"] == Progress(10, "together").to_attributes()
    assert "last" not in heard.attributes
    assert len(json.dumps(heard.attributes)) < 400


def test_pause_is_brief_keeps_the_session_and_resume_plays_the_part_again(
    conversation: Conversation,
) -> None:
    start(conversation)
    paused = conversation.say("AMAZON.PauseIntent")
    assert said(paused, "winddown_paused")
    assert len(paused.text) < 80
    assert paused.reprompt and not paused.ends_session
    resumed = conversation.say("AMAZON.ResumeIntent")
    assert said(resumed, "winddown_resuming")
    assert opening(5, "alone") in resumed.text


def test_resume_without_a_pause_goes_on_to_the_next_part(conversation: Conversation) -> None:
    start(conversation)
    heard = conversation.say("AMAZON.ResumeIntent")
    assert opening(5, "alone", step=1) in heard.text


@pytest.mark.parametrize("intent", ["AMAZON.YesIntent", "TellMeMoreIntent", "ResumeWindDownIntent"])
def test_yes_go_on_and_resume_my_wind_down_go_on(conversation: Conversation, intent: str) -> None:
    start(conversation)
    assert opening(5, "alone", step=1) in conversation.say(intent).text


def test_repeat_plays_the_current_part_again_without_keeping_it_in_the_session(
    conversation: Conversation,
) -> None:
    first = start(conversation, "PT3M")
    again = conversation.say("AMAZON.RepeatIntent")

    def script_of(heard: Heard) -> str:
        """From the part's first sentence up to its closing prompt (phrased at random)."""
        return heard.ssml.split(opening(3, "alone"))[1].rsplit("<s>", 1)[0]

    assert script_of(again) == script_of(first)
    assert not said(again, "winddown_length_3")
    assert "last" not in again.attributes


def test_previous_at_the_first_part_says_so_and_plays_it(conversation: Conversation) -> None:
    start(conversation)
    heard = conversation.say("AMAZON.PreviousIntent")
    assert said(heard, "winddown_at_beginning")
    assert opening(5, "alone") in heard.text


def test_start_over_begins_again_in_the_same_length_and_company(
    conversation: Conversation,
) -> None:
    start(conversation, "PT10M", "together")
    conversation.say("SlowerIntent")
    heard = conversation.say("AMAZON.StartOverIntent")
    assert said(heard, "winddown_starting_over")
    assert opening(10, "together") in heard.text
    assert heard.attributes["winddown"] == Progress(10, "together", pace=1).to_attributes()


def test_slower_lowers_the_voice_and_lengthens_the_pauses_then_says_it_is_slowest(
    conversation: Conversation,
) -> None:
    usual = start(conversation)
    slower = conversation.say("SlowerIntent")
    assert said(slower, "winddown_slowing")
    assert max(rates(slower)) < max(rates(usual))
    assert sum(breaks_ms(slower)) > sum(breaks_ms(usual)) * 1.2
    slowest = conversation.say("SlowerIntent")
    assert said(conversation.say("SlowerIntent"), "winddown_slowest")
    assert max(rates(slowest)) < max(rates(slower))


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
@pytest.mark.parametrize("company", winddown.COMPANIES)
def test_stop_ends_kindly_with_one_line_and_keeps_the_progress(
    conversation: Conversation, intent: str, company: str
) -> None:
    start(conversation, "PT10M", company)
    heard = conversation.say(intent)
    assert heard.ends_session
    assert heard.text == PHRASES[f"winddown_stop_{company}"][0]
    later = conversation.say("ResumeWindDownIntent")
    assert said(later, "winddown_resume_stored")
    assert opening(10, company) in later.text


def test_no_to_going_on_ends_gently(conversation: Conversation) -> None:
    start(conversation)
    heard = conversation.say("AMAZON.NoIntent")
    assert heard.text == PHRASES["declined_winddown_next"][0]
    assert heard.ends_session


def test_help_during_a_wind_down_explains_its_controls(conversation: Conversation) -> None:
    start(conversation)
    heard = conversation.say("AMAZON.HelpIntent")
    for control in (
        "next",
        "previous",
        "repeat",
        "start over",
        "pause",
        "resume",
        "slower",
        "stop",
    ):
        assert control in heard.text
    assert heard.reprompt and not heard.ends_session
    assert said(conversation.say("AMAZON.ResumeIntent"), "winddown_resuming")


def test_something_not_understood_during_a_wind_down_points_to_its_controls(
    conversation: Conversation,
) -> None:
    start(conversation)
    heard = conversation.say("AMAZON.FallbackIntent")
    assert said(heard, "winddown_fallback")
    assert not heard.ends_session


@pytest.mark.parametrize(
    "intent",
    ["AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.PauseIntent", "SlowerIntent"],
)
def test_controls_with_no_wind_down_offer_to_start_one(
    conversation: Conversation, intent: str
) -> None:
    conversation.launch()
    heard = conversation.say(intent)
    assert said(heard, "winddown_not_playing")
    assert (
        CONTENT.offers["winddown"][0] in heard.text or CONTENT.offers["winddown"][1] in heard.text
    )
    assert heard.reprompt and not heard.ends_session
    started = conversation.say("AMAZON.YesIntent")
    assert opening(SCRIPT.default_minutes, "alone") in started.text


@pytest.mark.parametrize("intent", ["AMAZON.ResumeIntent", "ResumeWindDownIntent"])
def test_resume_with_nothing_to_resume_offers_a_new_one(
    conversation: Conversation, intent: str
) -> None:
    heard = conversation.say(intent)
    assert said(heard, "winddown_nothing_to_resume")
    assert heard.reprompt and not heard.ends_session
    assert opening(5, "alone") in conversation.say("AMAZON.YesIntent").text


def test_a_question_in_the_middle_is_answered_and_the_wind_down_waits(
    conversation: Conversation,
) -> None:
    start(conversation)
    answer = conversation.say("WhatIsAftercareIntent")
    assert CONTENT.topic("what_is").answer[0] in answer.text
    assert conversation.say("AMAZON.RepeatIntent").ssml == answer.ssml
    assert opening(5, "alone", step=1) in conversation.say("AMAZON.NextIntent").text


def test_help_outside_a_wind_down_mentions_it(conversation: Conversation) -> None:
    conversation.launch()
    assert said(conversation.say("AMAZON.HelpIntent"), "help_winddown_start")


# Coming back later --------------------------------------------------------------------------


def launch_at(conversation: Conversation, moment: datetime) -> Heard:
    conversation.session.restart()
    return conversation.send(
        envelopes.launch_request(session=conversation.session, timestamp=moment)
    )


def test_opening_the_skill_after_an_interrupted_wind_down_offers_to_pick_it_up(
    conversation: Conversation,
) -> None:
    start(conversation, "PT10M", "together")
    conversation.say("AMAZON.StopIntent")
    welcome = conversation.launch()
    assert said(welcome, "winddown_unfinished")
    assert CONTENT.offers["winddown_resume"][0] in welcome.text
    assert said(conversation.say("AMAZON.HelpIntent"), "help_winddown_resume")
    heard = conversation.say("AMAZON.YesIntent")
    assert said(heard, "winddown_resume_stored")
    assert opening(10, "together") in heard.text


def test_no_to_picking_it_up_forgets_it(conversation: Conversation) -> None:
    start(conversation)
    conversation.say("AMAZON.StopIntent")
    conversation.launch()
    heard = conversation.say("AMAZON.NoIntent")
    assert said(heard, "what_else") and not heard.ends_session
    assert not said(conversation.launch(), "winddown_unfinished")


def test_a_finished_wind_down_is_not_offered_again(conversation: Conversation) -> None:
    start(conversation, "PT3M")
    assert conversation.say("AMAZON.NextIntent").ends_session
    assert not said(conversation.launch(), "winddown_unfinished")
    assert said(conversation.say("ResumeWindDownIntent"), "winddown_nothing_to_resume")


def test_the_offer_lasts_a_day_but_asking_to_resume_works_later(
    conversation: Conversation,
) -> None:
    now = datetime.now(UTC)
    conversation.send(envelopes.intent_request(START, session=conversation.session, timestamp=now))
    conversation.say("AMAZON.StopIntent")
    assert said(launch_at(conversation, now + timedelta(hours=23)), "winddown_unfinished")
    assert not said(launch_at(conversation, now + timedelta(hours=25)), "winddown_unfinished")
    assert said(conversation.say("ResumeWindDownIntent"), "winddown_resume_stored")


def test_a_part_heard_to_its_end_is_not_played_again_on_resume(
    conversation: Conversation,
) -> None:
    start(conversation, "PT10M")
    conversation.end("EXCEEDED_MAX_REPROMPTS")
    heard = conversation.say("ResumeWindDownIntent")
    assert opening(10, "alone", step=1) in heard.text


def test_a_paused_part_is_played_again_on_resume(conversation: Conversation) -> None:
    start(conversation, "PT10M")
    conversation.say("AMAZON.PauseIntent")
    conversation.end("EXCEEDED_MAX_REPROMPTS")
    heard = conversation.say("ResumeWindDownIntent")
    assert opening(10, "alone") in heard.text


def counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    calls: list[Any] = []
    original: Callable[..., Any] = getattr(EmbeddedStore, name)

    def counted(self: EmbeddedStore, **arguments: Any) -> Any:
        calls.append(arguments)
        return original(self, **arguments)

    monkeypatch.setattr(EmbeddedStore, name, counted)
    return calls


def test_a_session_reads_the_store_once_and_writes_only_when_progress_changes(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads, writes = (
        counting(monkeypatch, "get_attributes"),
        counting(monkeypatch, "save_attributes"),
    )
    conversation.launch()
    start(conversation, "PT10M")
    for intent in ("AMAZON.RepeatIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent"):
        conversation.say(intent)
    assert len(reads) == 1
    assert len(writes) == 2  # the disclaimer at the welcome, the wind-down when it started
    conversation.say("SlowerIntent")
    assert len(writes) == 3
    conversation.say("AMAZON.NextIntent")
    assert len(writes) == 4 and len(reads) == 1
