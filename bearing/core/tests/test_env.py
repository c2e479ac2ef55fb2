"""Settings read from the environment: a clear error for a value that cannot work."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from bearing.config.env import env_int


def test_a_whole_number_below_its_minimum_is_refused_with_its_name(monkeypatch):
    monkeypatch.setenv("BEARING_PLAN_WORKERS", "0")
    with pytest.raises(ImproperlyConfigured, match="BEARING_PLAN_WORKERS must be at least 1, not 0"):
        env_int("BEARING_PLAN_WORKERS", 1, minimum=1)


@pytest.mark.parametrize(("raw", "expected"), [("", 1), ("3", 3)])
def test_a_whole_number_at_or_above_its_minimum_or_unset_is_taken(monkeypatch, raw, expected):
    monkeypatch.setenv("BEARING_PLAN_WORKERS", raw)
    assert env_int("BEARING_PLAN_WORKERS", 1, minimum=1) == expected


def test_a_value_that_is_not_a_whole_number_is_refused(monkeypatch):
    monkeypatch.setenv("BEARING_PLAN_WORKERS", "two")
    with pytest.raises(ImproperlyConfigured, match="must be a whole number, not 'two'"):
        env_int("BEARING_PLAN_WORKERS", 1, minimum=1)
