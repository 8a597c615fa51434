"""Fixed test users and units shared by every app's tests (the idea of Healthchecks' hc/test.py).

Unit tree:   C00 county ─┬─ T01 township A ── T0101 section of A
                         ├─ T02 township B
                         └─ D01 department (tier 2)
Users: admin, bureau, leader, supervisor, reporter_a (T01), reporter_b (T02); password "pass-word-1".
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "pass-word-1"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: results kept under a data revision (core.revision) must not leak
    from one test's rolled-back data into another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_and_language(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    # Fast hashing: the suite creates many users; production keeps Django's default PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Stored results (jobs/stored.py) are computed in the request when missing or stale, as before they were
    # stored, so that the many page tests see their figures at once. Production never does this; the tests of
    # the asynchronous path (jobs/tests/test_stored.py and the pages' "computing" states) turn it off.
    settings.RESULTS_COMPUTE_ON_MISS = True
    # Nor is a refresh queued after each write (a job thread recomputing while a browser test writes); the test
    # of that hook turns it on.
    settings.RESULTS_REFRESH_ON_WRITE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def units(db):
    from zhaoshang.organization.models import Unit

    county = Unit.objects.create(code="C00", name="示范县", category="jurisdiction")
    a = Unit.objects.create(code="T01", name="城关镇", parent=county, category="township", tier=1)
    a_section = Unit.objects.create(code="T0101", name="城关镇招商办", parent=a, category="township", tier=1)
    b = Unit.objects.create(code="T02", name="河口乡", parent=county, category="township", tier=2)
    dept = Unit.objects.create(code="D01", name="县发改局", parent=county, category="department", tier=2)
    return {"county": county, "a": a, "a_section": a_section, "b": b, "dept": dept}


@pytest.fixture
def users(units):
    from zhaoshang.organization.models import User

    def make(username, role, unit=None, **extra):
        user = User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit, **extra)
        return user

    return {
        "admin": make("admin", "admin", units["county"], is_staff=True, is_superuser=True),
        "bureau": make("bureau", "bureau", units["county"]),
        "leader": make("leader", "leader", units["county"]),
        "supervisor": make("supervisor", "supervisor", units["county"]),
        "reporter_a": make("reporter_a", "reporter", units["a"]),
        "reporter_b": make("reporter_b", "reporter", units["b"]),
    }


@pytest.fixture
def make_project(users, units):
    """Create a project through the service, credited to one unit (default township A)."""
    from zhaoshang.projects import services

    counter = {"n": 0}

    def make(unit=None, *, user=None, code=None, name=None, **data):
        counter["n"] += 1
        unit = unit or units["a"]
        data = {"code": code or f"P{counter['n']:04d}", "name": name or f"测试项目{counter['n']}", **data}
        return services.create_project(user=user or users["bureau"], data=data, credits=[(unit, Decimal("100"))])

    return make


@pytest.fixture
def today():
    from zhaoshang.core import clock

    return clock.today()
