"""Loaded by pytest before the settings (``-p zhaoshang.accounts.pytest_plugin``): the suite is a trial, so the
settings may fall back to the trial SECRET_KEY (they refuse to start without one otherwise)."""

import os

os.environ.setdefault("ZHAOSHANG_TRIAL", "1")
