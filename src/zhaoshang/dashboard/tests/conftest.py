"""Fixtures of the dashboard's tests: the hand-built county of dashboard_county.py and its 2026 period."""

from __future__ import annotations

import pytest

from .dashboard_county import build, make_period


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The forecast is cached for a few minutes; each test starts without what another one computed."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def county(users, units):
    return build(users, units)


@pytest.fixture
def period(users):
    return make_period(users)
