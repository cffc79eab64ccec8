"""Settings exports add: the workspace time zone and how long an export keeps trying."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_timezone_and_export_attempts_defaults_and_values():
    assert load_settings({}, dotenv=False).timezone == "UTC"
    assert load_settings({}, dotenv=False).export_max_attempts == 8
    s = load_settings({"TIMEZONE": "America/Bogota", "EXPORT_MAX_ATTEMPTS": "3"}, dotenv=False)
    assert (s.timezone, s.export_max_attempts) == ("America/Bogota", 3)


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"TIMEZONE": "../../etc/passwd"}, "TIMEZONE"),
        ({"EXPORT_MAX_ATTEMPTS": "0"}, "EXPORT_MAX_ATTEMPTS"),
    ],
)
def test_bad_values_are_named_in_one_line(env, name):
    with pytest.raises(ConfigError) as raised:
        load_settings(env, dotenv=False)
    assert name in str(raised.value) and "\n" not in str(raised.value)
