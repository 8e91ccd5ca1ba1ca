"""The deployer's practice contact: parsed, normalised and refused at start-up when unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftercare import config as config_module
from aftercare.config import LOCAL_CONFIG_ENV, Config, ConfigError
from aftercare.practice import SETTINGS as PRACTICE_SETTINGS
from aftercare.practice import Phone, Practice, practice_from

NAME = {"PRACTICE_NAME": "Riverside Therapy"}
PHONE = "+1 212-555-0147"


def config_of(**settings: str) -> Config:
    return Config.from_env(settings)


def test_no_practice_settings_means_no_practice() -> None:
    assert config_of().practice is None


def test_blank_practice_settings_count_as_unset() -> None:
    # SAM passes an empty string for a parameter the deployer left blank.
    blank = {key: "" for key in ("NAME", "PHONE", "EMAIL", "WEBSITE", "HOURS")}
    assert config_of(**{f"PRACTICE_{key}": value for key, value in blank.items()}).practice is None


def test_a_full_practice_is_read_and_normalised() -> None:
    practice = config_of(
        PRACTICE_NAME="  Riverside   Therapy ",
        PRACTICE_PHONE=" +44 (20) 7946-0958 ",
        PRACTICE_EMAIL=" hello@riverside.example.org ",
        PRACTICE_WEBSITE="https://riverside.example.org/sex-therapy",
        PRACTICE_HOURS="Monday to Friday,\n9 am to 6 pm",
    ).practice
    assert practice == Practice(
        name="Riverside Therapy",
        phone=Phone(e164="+442079460958", display="+44 (20) 7946-0958"),
        email="hello@riverside.example.org",
        website="https://riverside.example.org/sex-therapy",
        hours="Monday to Friday, 9 am to 6 pm",
    )


@pytest.mark.parametrize(
    "reach",
    [
        {"PRACTICE_PHONE": PHONE},
        {"PRACTICE_EMAIL": "hello@example.org"},
        {"PRACTICE_WEBSITE": "https://example.org"},
    ],
)
def test_a_name_and_any_one_way_to_reach_it_is_enough(reach: dict[str, str]) -> None:
    practice = practice_from({**NAME, **reach})
    assert practice is not None
    assert practice.name == "Riverside Therapy"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"PRACTICE_PHONE": PHONE}, "PRACTICE_NAME is required"),
        ({"PRACTICE_HOURS": "9 to 5"}, "PRACTICE_NAME is required"),
        (NAME, "a way to reach it"),
        ({**NAME, "PRACTICE_HOURS": "9 to 5"}, "a way to reach it"),
        ({**NAME, "PRACTICE_PHONE": "212 555 0147"}, "PRACTICE_PHONE"),
        ({**NAME, "PRACTICE_PHONE": "+1 212 555 0147 ext 3"}, "PRACTICE_PHONE"),
        ({**NAME, "PRACTICE_PHONE": "+1.212.555.0147"}, "PRACTICE_PHONE"),
        ({**NAME, "PRACTICE_PHONE": "+123456"}, "7 to 15 digits"),
        ({**NAME, "PRACTICE_PHONE": "+1234567890123456"}, "7 to 15 digits"),
        ({**NAME, "PRACTICE_PHONE": "+0 212 555 0147"}, "does not start with 0"),
        ({**NAME, "PRACTICE_PHONE": "++1 212 555 0147"}, "PRACTICE_PHONE"),
        ({**NAME, "PRACTICE_EMAIL": "hello"}, "PRACTICE_EMAIL"),
        ({**NAME, "PRACTICE_EMAIL": "hello@localhost"}, "PRACTICE_EMAIL"),
        ({**NAME, "PRACTICE_EMAIL": "a b@example.org"}, "PRACTICE_EMAIL"),
        ({**NAME, "PRACTICE_EMAIL": "<x>@example.org"}, "PRACTICE_EMAIL"),
        ({**NAME, "PRACTICE_WEBSITE": "http://example.org"}, "PRACTICE_WEBSITE"),
        ({**NAME, "PRACTICE_WEBSITE": "example.org"}, "PRACTICE_WEBSITE"),
        ({**NAME, "PRACTICE_WEBSITE": "https://"}, "PRACTICE_WEBSITE"),
        ({**NAME, "PRACTICE_WEBSITE": "https://localhost"}, "PRACTICE_WEBSITE"),
        ({**NAME, "PRACTICE_WEBSITE": "https://user@example.org"}, "PRACTICE_WEBSITE"),
        ({**NAME, "PRACTICE_WEBSITE": "https://example.org:8443"}, "PRACTICE_WEBSITE"),
        ({**NAME, "PRACTICE_WEBSITE": "https://exa mple.org"}, "PRACTICE_WEBSITE"),
        ({**NAME, "PRACTICE_WEBSITE": "javascript:alert(1)"}, "PRACTICE_WEBSITE"),
        ({"PRACTICE_NAME": "<b>Clinic</b>", "PRACTICE_PHONE": PHONE}, "without < or >"),
        ({"PRACTICE_NAME": "x" * 101, "PRACTICE_PHONE": PHONE}, "keep it to 100"),
        ({"PRACTICE_NAME": "Clinic\x00", "PRACTICE_PHONE": PHONE}, "cannot be spoken"),
        ({"PRACTICE_NAME": "Clinic\u200b", "PRACTICE_PHONE": PHONE}, "cannot be spoken"),
        ({**NAME, "PRACTICE_PHONE": PHONE, "PRACTICE_HOURS": "9 > 5"}, "PRACTICE_HOURS"),
        ({**NAME, "PRACTICE_PHONE": PHONE, "PRACTICE_HOURS": "y" * 101}, "PRACTICE_HOURS"),
    ],
)
def test_unusable_practice_settings_stop_the_skill_at_start_up(
    settings: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        config_of(**settings)


# --- the local config file, for make chat ---------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_local_config_file_sets_the_practice(tmp_path: Path) -> None:
    local = write(
        tmp_path / "local.toml",
        'PRACTICE_NAME = "Riverside Therapy"\nPRACTICE_PHONE = "+1 212 555 0147"\n',
    )
    practice = config_of(**{LOCAL_CONFIG_ENV: str(local)}).practice
    assert practice is not None
    assert practice.name == "Riverside Therapy"
    assert practice.phone == Phone("+12125550147", "+1 212 555 0147")


def test_environment_variables_win_over_the_local_config_file(tmp_path: Path) -> None:
    local = write(
        tmp_path / "local.toml",
        'PRACTICE_NAME = "From the file"\nPRACTICE_PHONE = "+1 212 555 0147"\n',
    )
    practice = config_of(
        **{LOCAL_CONFIG_ENV: str(local)}, PRACTICE_NAME="From the environment"
    ).practice
    assert practice is not None
    assert practice.name == "From the environment"
    assert practice.phone is not None


def test_the_committed_example_file_is_a_valid_configuration() -> None:
    example = Path(__file__).parents[1] / "local-config.example.toml"
    practice = config_of(**{LOCAL_CONFIG_ENV: str(example)}).practice
    assert practice is not None
    assert practice.phone is not None and practice.email and practice.website and practice.hours


def test_the_repositorys_local_config_file_is_read_for_the_process_environment_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = write(
        tmp_path / "local-config.toml",
        'PRACTICE_NAME = "Riverside Therapy"\nPRACTICE_EMAIL = "hello@example.org"\n',
    )
    monkeypatch.setattr(config_module, "LOCAL_CONFIG_FILE", local)
    for name in (LOCAL_CONFIG_ENV, "AWS_LAMBDA_FUNCTION_NAME", *PRACTICE_SETTINGS.values()):
        monkeypatch.delenv(name, raising=False)
    from_process = Config.from_env()
    assert from_process.practice is not None
    assert from_process.practice.email == "hello@example.org"
    # Tests pass their whole environment, so a developer's local-config.toml cannot change them.
    assert config_of().practice is None
    # On Lambda there is no local file to look for.
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "aftercare")
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.test")
    monkeypatch.setenv("USER_KEY_SECRET", "a-secret-for-this-test")
    assert Config.from_env().practice is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('PRACTISE_NAME = "typo"\n', "unknown settings"),
        ("PRACTICE_PHONE = +12125550147\n", "in quotes"),
        ("AFTERCARE_SEED = 7\n", "in quotes"),
        ('PRACTICE_NAME = "Riverside"\n', "a way to reach it"),
        ("PRACTICE_NAME = \n", "could not be read as TOML"),
    ],
)
def test_a_broken_local_config_file_stops_the_skill(
    tmp_path: Path, text: str, message: str
) -> None:
    local = write(tmp_path / "local.toml", text)
    with pytest.raises(ConfigError, match=message):
        config_of(**{LOCAL_CONFIG_ENV: str(local)})


def test_a_named_local_config_file_that_is_missing_stops_the_skill(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a file"):
        config_of(**{LOCAL_CONFIG_ENV: str(tmp_path / "missing.toml")})
