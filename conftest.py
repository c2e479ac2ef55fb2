"""Project-wide pytest fixtures: the test cast (see bearing/core/tests/cast.py)."""

from __future__ import annotations

import pytest

from bearing.core.tests.cast import Cast, make_cast


@pytest.fixture
def cast(db) -> Cast:
    """The fixed test cast: org with sales/finance, a user per role, and an outsider."""
    return make_cast()
