"""Fixtures of the dashboard's tests: the hand-built county of dashboard_county.py and its 2026 period."""

from __future__ import annotations

import pytest

from .dashboard_county import build, make_period


@pytest.fixture
def county(users, units):
    return build(users, units)


@pytest.fixture
def period(users):
    return make_period(users)
