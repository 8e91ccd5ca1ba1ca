"""The therapist journey at the envelope: finding a certified sex therapist, what sex therapy is,
and the deployer's own contact, with and without one configured."""

from __future__ import annotations

import re
import shutil
from itertools import pairwise
from pathlib import Path

import pytest

from aftercare import ssml
from aftercare.content import Library, find_content_dir
from aftercare.handlers.therapist import QUESTION_INTENTS, journey_of
from aftercare.skill import LambdaHandler
from aftercare.therapy import QUESTIONS, Pronunciations
from tests.conftest import MakeSkill
from tests.harness import Conversation, Heard, load_model
from tools.envelopes import Session
from tools.nlu import Nlu

CONTENT = Library(find_content_dir()).for_locale("en-US")
THERAPY = CONTENT.therapy
DIRECTORY = THERAPY.directory
NLU = Nlu.from_model("en-US")

PRACTICE = {
    "PRACTICE_NAME": "Riverside Therapy",
    "PRACTICE_PHONE": "+1 212-555-0147",
    "PRACTICE_EMAIL": "hello@riverside.example.org",
    "PRACTICE_WEBSITE": "https://riverside.example.org/therapy",
    "PRACTICE_HOURS": "Monday to Friday, 9 am to 6 pm",
}
# Any run of digits long enough to be a phone number, however it is grouped.
PHONE_LIKE = re.compile(r"\d[\d\s().+-]{5,}\d")
TELEPHONE = re.compile(r'<say-as interpret-as="telephone">([^<]*)</say-as>')

FIND_PHRASINGS = [
    "how do I find a sex therapist",
    "can you help me contact a sex therapist",
    "I think we need a couples therapist for sex stuff",
    "who can I talk to about our sex life",
    "where can I find a certified sex therapist",
    "find me a sex therapist",
    "I'm looking for a sex therapist",
    "can you recommend a sex therapist",
]
# Each question family: how listeners ask it, and a fact the answer must carry.
QUESTION_PHRASINGS = {
    "what_is": (
        ["what is sex therapy", "tell me about sex therapy", "how does sex therapy work"],
        "talk therapy",
    ),
    "session": (
        ["what happens in sex therapy", "what should I expect from sex therapy"],
        "talk",
    ),
    "nudity": (
        [
            "do you get naked in sex therapy",
            "is there nudity in sex therapy",
            "do I have to undress",
        ],
        "no nudity",
    ),
    "reasons": (
        ["why do people see a sex therapist", "what can sex therapy help with"],
        "desire",
    ),
    "couples": (
        [
            "is sex therapy only for couples",
            "can I go to sex therapy alone",
            "can I see a sex therapist on my own",
        ],
        "on their own",
    ),
    "certified": (
        ["what does certified sex therapist mean", "who certifies sex therapists"],
        "licensed clinicians",
    ),
}
INTENT_OF = {question: intent for intent, question in QUESTION_INTENTS.items()}


@pytest.fixture
def with_practice(make_skill: MakeSkill) -> Conversation:
    return Conversation(make_skill(**PRACTICE))


def understood(text: str) -> str:
    intent = NLU.understand(text).intent
    assert intent is not None, text
    return intent


def assert_open_question(heard: Heard) -> None:
    assert not heard.ends_session
    assert heard.text.rstrip().endswith("?")
    assert heard.reprompt.endswith("?")
    assert ssml.problems(heard.ssml) == []
    assert ssml.problems(heard.reprompt_ssml) == []


def everything_shown(heard: Heard) -> str:
    card = heard.card or {}
    return " ".join((heard.text, heard.reprompt, card.get("title", ""), card.get("content", "")))


# --- finding a therapist --------------------------------------------------------------------


@pytest.mark.parametrize("phrasing", FIND_PHRASINGS)
def test_each_way_of_asking_hears_the_directory_what_certified_means_and_a_tip(
    conversation: Conversation, phrasing: str
) -> None:
    conversation.launch()
    heard = conversation.say(understood(phrasing))
    assert "AASECT" in heard.text
    assert DIRECTORY.certified in heard.text
    assert DIRECTORY.tip in heard.text
    assert_open_question(heard)


def test_the_web_address_is_said_aloud_and_shown_in_plain_text_on_the_card(
    conversation: Conversation,
) -> None:
    heard = conversation.say("FindTherapistIntent")
    assert '<sub alias="ay sect dot org">aasect.org</sub>' in heard.ssml
    assert heard.card is not None
    assert heard.card["title"] == "Finding a certified sex therapist"
    card = heard.card["content"]
    assert "aasect.org" in card
    assert DIRECTORY.certified in card and DIRECTORY.tip in card
    assert "<" not in card and "&amp;" not in card


def test_without_a_practice_no_contact_is_offered_or_invented(conversation: Conversation) -> None:
    heard = conversation.say("FindTherapistIntent")
    assert not PHONE_LIKE.search(everything_shown(heard))
    assert "telephone" not in heard.ssml
    assert "contact details" not in heard.text + heard.reprompt
    assert heard.attributes["offer"] == journey_of("session")
    heard = conversation.say("AMAZON.YesIntent")
    assert THERAPY.answers["session"].answer[0] in heard.text
    assert not PHONE_LIKE.search(everything_shown(heard))


def test_a_stale_offer_of_a_practice_that_is_no_longer_set_gives_the_directory(
    skill: LambdaHandler,
) -> None:
    # A session from a deployment that had a practice, answered by one that has none.
    conversation = Conversation(skill, session=Session(attributes={"offer": "practice"}, new=False))
    heard = conversation.say("AMAZON.YesIntent")
    assert DIRECTORY.certified in heard.text
    assert not PHONE_LIKE.search(everything_shown(heard))
    assert "contact details" not in heard.text


def test_one_shot_request_from_outside_the_skill_is_answered(conversation: Conversation) -> None:
    heard = conversation.say("FindTherapistIntent")
    assert "AASECT" in heard.text
    assert not heard.ends_session
    assert heard.size < 24_576


# --- a practice's own contact ---------------------------------------------------------------


def test_with_a_practice_the_directory_answer_offers_it_by_name(
    with_practice: Conversation,
) -> None:
    heard = with_practice.say("FindTherapistIntent")
    assert "AASECT" in heard.text
    assert heard.text.endswith("Would you like the contact details for Riverside Therapy?")
    assert "Riverside Therapy" in heard.reprompt
    assert heard.attributes["offer"] == "practice"
    assert_open_question(heard)


def test_yes_speaks_the_name_the_number_as_a_telephone_number_and_the_hours(
    with_practice: Conversation,
) -> None:
    with_practice.say("FindTherapistIntent")
    heard = with_practice.say("AMAZON.YesIntent")
    assert TELEPHONE.findall(heard.ssml) == ["+1 212-555-0147", "+1 212-555-0147"]
    assert "Riverside Therapy" in heard.text
    assert "Monday to Friday, 9 am to 6 pm" in heard.text
    assert "email address and website are on the card" in heard.text
    # Email and website are shown, not read out.
    assert "riverside.example.org" not in heard.text
    assert_open_question(heard)


def test_the_practice_card_carries_every_detail_in_plain_text(
    with_practice: Conversation,
) -> None:
    with_practice.say("FindTherapistIntent")
    heard = with_practice.say("AMAZON.YesIntent")
    assert heard.card is not None
    assert heard.card["title"] == "Riverside Therapy"
    assert heard.card["content"].splitlines() == [
        "Phone: +1 212-555-0147",
        "Email: hello@riverside.example.org",
        "Website: https://riverside.example.org/therapy",
        "Hours: Monday to Friday, 9 am to 6 pm",
    ]


def test_after_the_contact_comes_what_happens_in_a_session(with_practice: Conversation) -> None:
    with_practice.say("FindTherapistIntent")
    with_practice.say("AMAZON.YesIntent")
    heard = with_practice.say("AMAZON.YesIntent")
    assert THERAPY.answers["session"].answer[0] in heard.text


def test_no_to_the_practice_asks_what_else(with_practice: Conversation) -> None:
    with_practice.say("FindTherapistIntent")
    heard = with_practice.say("AMAZON.NoIntent")
    assert not heard.ends_session
    assert not PHONE_LIKE.search(heard.text)


@pytest.mark.parametrize(
    ("reach", "said"),
    [
        ({"PRACTICE_EMAIL": "hello@example.org"}, "Their email address is on the card"),
        ({"PRACTICE_WEBSITE": "https://example.org"}, "Their website is on the card"),
        ({"PRACTICE_PHONE": "+44 20 7946 0958"}, "The number is on the card"),
    ],
)
def test_a_practice_with_one_way_to_reach_it_says_only_what_it_has(
    make_skill: MakeSkill, reach: dict[str, str], said: str
) -> None:
    conversation = Conversation(make_skill(PRACTICE_NAME="Riverside Therapy", **reach))
    conversation.say("FindTherapistIntent")
    heard = conversation.say("AMAZON.YesIntent")
    assert said in heard.text
    assert ("telephone" in heard.ssml) == ("PRACTICE_PHONE" in reach)
    assert "hours" not in heard.text
    assert heard.card is not None
    assert len(heard.card["content"].splitlines()) == 1
    assert_open_question(heard)


@pytest.mark.parametrize(
    "name",
    [
        'Tom & Jerry\'s "Couples" Clinic',
        "Smith &amp; Jones",
        '"Dr." O\'Neil & Partners; 100%',
        "Zoë's Praxis für Paare 🌙",
    ],
)
def test_hostile_practice_names_are_escaped_into_valid_speech_and_kept_on_the_card(
    make_skill: MakeSkill, name: str
) -> None:
    conversation = Conversation(
        make_skill(PRACTICE_NAME=name, PRACTICE_PHONE="+1 212 555 0147", PRACTICE_HOURS=name)
    )
    offered = conversation.say("FindTherapistIntent")
    contact = conversation.say("AMAZON.YesIntent")
    for heard in (offered, contact):
        assert ssml.problems(heard.ssml) == [], heard.ssml
        assert ssml.problems(heard.reprompt_ssml) == []
        assert name in heard.text
    assert contact.card is not None
    assert contact.card["title"] == name
    assert f"Hours: {name}" in contact.card["content"]


# --- what sex therapy is --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "phrasing"),
    [
        (question, phrasing)
        for question, (phrasings, _) in QUESTION_PHRASINGS.items()
        for phrasing in phrasings
    ],
)
def test_each_question_about_sex_therapy_gets_its_short_answer_and_one_offer(
    conversation: Conversation, question: str, phrasing: str
) -> None:
    conversation.launch()
    assert understood(phrasing) == INTENT_OF[question]
    heard = conversation.say(INTENT_OF[question])
    answer = THERAPY.answers[question]
    assert answer.answer[0] in heard.text
    assert QUESTION_PHRASINGS[question][1] in heard.text
    assert heard.card is not None
    assert heard.card["title"] == answer.title
    assert heard.attributes["offer"] == answer.offer
    assert_open_question(heard)


@pytest.mark.parametrize("question", QUESTIONS)
def test_yes_after_an_answer_takes_its_offer(conversation: Conversation, question: str) -> None:
    conversation.say(INTENT_OF[question])
    offered = THERAPY.answers[question].offer
    heard = conversation.say("AMAZON.YesIntent")
    if offered == "therapist":
        assert DIRECTORY.certified in heard.text
    else:
        target = offered.removeprefix("therapy_")
        assert THERAPY.answers[target].answer[0] in heard.text
    assert offered != journey_of(question)


def test_answers_never_offer_the_same_thing_twice_in_a_row(conversation: Conversation) -> None:
    conversation.say("WhatIsSexTherapyIntent")
    offers = [conversation.heard[-1].attributes["offer"]]
    for _ in range(len(QUESTIONS) + 1):
        offers.append(conversation.say("AMAZON.YesIntent").attributes["offer"])
    assert all(first != second for first, second in pairwise(offers))
    # Following the offers visits the directory and most of the questions.
    assert "therapist" in offers and len(set(offers)) >= 5


def test_sessions_are_described_as_talk_with_no_nudity_or_sexual_activity(
    conversation: Conversation,
) -> None:
    heard = conversation.say("SexTherapyNudityIntent")
    assert heard.text.startswith("No.")
    assert "no nudity, no touching and nothing sexual" in heard.text


# --- the interaction model ------------------------------------------------------------------


def samples_of(intent: str) -> list[str]:
    found = next(item for item in load_model()["intents"] if item["name"] == intent)
    samples = found["samples"]
    assert isinstance(samples, list)
    return [str(sample) for sample in samples]


def test_find_therapist_has_at_least_twenty_samples_including_the_issues_phrasings() -> None:
    samples = samples_of("FindTherapistIntent")
    assert len(samples) >= 20
    assert {phrasing.lower() for phrasing in FIND_PHRASINGS[:4]} <= set(samples)


@pytest.mark.parametrize("intent", ["FindTherapistIntent", *QUESTION_INTENTS])
def test_every_sample_is_understood_as_its_own_intent(intent: str) -> None:
    samples = samples_of(intent)
    assert len(samples) >= 15
    for sample in samples:
        assert understood(sample) == intent, sample


def test_the_topic_slot_has_no_therapy_values_so_therapy_stays_with_its_intents() -> None:
    topic = next(t for t in load_model()["types"] if t["name"] == "AFTERCARE_TOPIC")
    names = [
        name
        for value in topic["values"]
        for name in (value["name"]["value"], *value["name"].get("synonyms", []))
    ]
    assert not [name for name in names if "therap" in name]


# --- content: every locale's data, and another locale as a data change ----------------------


def test_every_offer_has_words_to_offer_it_and_every_question_an_intent() -> None:
    for answer in THERAPY.answers.values():
        assert answer.offer in CONTENT.offers, answer.id
    for question in QUESTIONS:
        assert journey_of(question) in CONTENT.offers
    assert set(QUESTION_INTENTS.values()) == set(QUESTIONS)


@pytest.mark.parametrize("locale", Library(find_content_dir()).locales)
def test_therapist_content_is_plain_text_without_markup(locale: str) -> None:
    therapy = Library(find_content_dir()).for_locale(locale).therapy
    directory = therapy.directory
    texts = [
        *directory.where,
        directory.certified,
        directory.tip,
        *(text for listing in directory.listings for text in (listing.name, listing.address)),
        *(text for answer in therapy.answers.values() for text in (answer.title, *answer.answer)),
        *(text for pair in therapy.pronunciations.said_as.items() for text in pair),
    ]
    assert texts
    for text in texts:
        assert not set("<>&") & set(text), text


def test_written_forms_are_split_out_with_how_to_say_them() -> None:
    say = Pronunciations({"AASECT": "ay sect", "aasect.org": "ay sect dot org"})
    assert say.parts("AASECT is at aasect.org.") == (
        ("AASECT", "ay sect"),
        (" is at ", None),
        ("aasect.org", "ay sect dot org"),
        (".", None),
    )
    assert Pronunciations({}).parts("plain") == (("plain", None),)


COSRT = """
[directory]
where = ["In the UK, you can search the directory of therapists kept by COSRT."]
certified = "Accredited means a qualified therapist who meets COSRT's standards."
tip = "One tip: ask about their qualifications before you book."

[[directory.listing]]
name = "COSRT directory of therapists"
address = "cosrt.org.uk"

[certified]
title = "What an accredited sex therapist is"
answer = ["In the UK, look for a therapist accredited by COSRT."]
offer = "therapist"

[say]
"COSRT" = "cos-ert"
"""


def test_another_locale_is_only_a_data_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_skill: MakeSkill
) -> None:
    content = tmp_path / "content"
    shutil.copytree(find_content_dir(), content)
    shutil.copytree(content / "en-US", content / "en-GB")
    (content / "en-GB" / "therapist.toml").write_text(COSRT, encoding="utf-8")
    locales = (content / "locales.toml").read_text(encoding="utf-8")
    (content / "locales.toml").write_text(
        locales.replace('supported = ["en-US"]', 'supported = ["en-US", "en-GB"]'),
        encoding="utf-8",
    )
    monkeypatch.setattr("aftercare.skill.find_content_dir", lambda: content)
    skill = make_skill()

    british = Conversation(skill, locale="en-GB").say("FindTherapistIntent")
    assert "COSRT" in british.text and "AASECT" not in british.text
    assert '<sub alias="cos-ert">COSRT</sub>' in british.ssml
    assert british.card is not None and "cosrt.org.uk" in british.card["content"]
    shared = Conversation(skill, locale="en-GB").say("WhatIsSexTherapyIntent")
    assert THERAPY.answers["what_is"].answer[0] in shared.text
    american = Conversation(skill, locale="en-US").say("FindTherapistIntent")
    assert "AASECT" in american.text


def test_a_locale_without_a_directory_cannot_start(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(find_content_dir(), content)
    (content / "en-US" / "therapist.toml").unlink()
    with pytest.raises(ValueError, match=r"\[directory\] is missing"):
        Library(content)
