"""Production settings pass Django's deployment checks; the trial defaults are refused by them."""

from __future__ import annotations

import os
import subprocess
import sys

PRODUCTION = {
    "SECRET_KEY": "x7#k2!pq9v$Lm3@zR8wT1yN6bH4jF0cD5sA-gE_uQ+oI&hK*lP^rW",
    "ALLOWED_HOSTS": "zs.county.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/zhaoshang-deploy-check.sqlite3",
    "BEHIND_PROXY": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "CSRF_TRUSTED_ORIGINS": "https://zs.county.gov.cn",
}


def check_deploy(extra: dict) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "zhaoshang", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_are_deploy_clean():
    result = check_deploy(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_trial_key_fails_the_deploy_check():
    result = check_deploy({k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_secret_from_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(PRODUCTION["SECRET_KEY"] + "\n")
    extra = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"} | {"SECRET_KEY_FILE": str(key_file)}
    assert check_deploy(extra).returncode == 0
