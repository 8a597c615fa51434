"""Zhaoshang settings: one module, configured from the environment.

Trial defaults are safe to run on a laptop (SQLite next to the working directory, DEBUG off unless
asked for). Production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; every secret can also be
given as a file through the same name with ``_FILE`` appended (Docker/systemd credentials).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _lazy

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ZHAOSHANG_DATA_DIR", Path.cwd() / "var")).resolve()


def env(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A trial (make run/demo/test, pytest) or DEBUG may use the fixed trial key, which keeps sessions valid across
# restarts; anywhere else the app refuses to start without its own key (check --deploy also rejects this one
# because it is prefixed "django-insecure-").
TRIAL = env_bool("ZHAOSHANG_TRIAL", False)
TRIAL_SECRET_KEY = "django-insecure-zhaoshang-trial-key-change-me-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY") or ""
if not SECRET_KEY:
    if not (DEBUG or TRIAL):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) to 50+ random characters, "
            "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'; "
            "for a trial on a laptop set ZHAOSHANG_TRIAL=1 instead."
        )
    SECRET_KEY = TRIAL_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First, so that its createsuperuser (which refuses a blank password) replaces django.contrib.auth's.
    "zhaoshang.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zhaoshang.core",
    "zhaoshang.organization",
    "zhaoshang.persons",
    "zhaoshang.projects",
    "zhaoshang.claims",
    "zhaoshang.events",
    "zhaoshang.leads",
    "zhaoshang.receptions",
    "zhaoshang.library",
    "zhaoshang.milestones",
    "zhaoshang.resources",
    "zhaoshang.liaison",
    "zhaoshang.promises",
    "zhaoshang.environment",
    "zhaoshang.chains",
    "zhaoshang.maps",
    "zhaoshang.transfer",
    "zhaoshang.targets",
    "zhaoshang.assessment",
    "zhaoshang.supervision",
    "zhaoshang.scheduling",
    "zhaoshang.notifications",
    "zhaoshang.bulletins",
    "zhaoshang.demo",
    "zhaoshang.dashboard",
    "zhaoshang.leaders",
    "zhaoshang.audit",
    "zhaoshang.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Limits every SQL statement of the request (PostgreSQL; static files above never reach it) and turns a
    # cancelled one into the 503 "query timed out" page (core.guard).
    "zhaoshang.core.guard.StatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication, so that its 400 page is the product's page with the user's menu.
    "zhaoshang.core.middleware.DateParameterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhaoshang.accounts.middleware.AccountGuardMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhaoshang.urls"
# Select boxes written in Python rather than a template per option (core/renderers.py): same markup.
FORM_RENDERER = "zhaoshang.core.renderers.FastSelectRenderer"
WSGI_APPLICATION = "zhaoshang.wsgi.application"

_template_loaders = ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"]
if not DEBUG:
    _template_loaders = [("django.template.loaders.cached.Loader", _template_loaders)]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Django caches compiled templates by default when DEBUG is off; said here so that it stays so (a
            # template compiled per request costs several ms of every page). With DEBUG on, templates are
            # read afresh so that edits show without a restart.
            "loaders": _template_loaders,
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhaoshang.organization.access.context",
                "zhaoshang.core.help.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'zhaoshang.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "60") or 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the dashboard read while an import writes; IMMEDIATE avoids "database is locked"
    # when two writers upgrade their read locks at the same time.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Background jobs (jobs/): run by a thread of the web process (the default: nothing to set up), or, with
# ZHAOSHANG_JOBS_IN_THREAD=0, by `zhaoshang worker` as a service. A running job whose heartbeat is older than
# JOBS_STALE_SECONDS is taken as dead; finished jobs and their files are removed after JOBS_KEEP_DAYS days.
JOBS_RUN_IN_THREAD = env_bool("ZHAOSHANG_JOBS_IN_THREAD", True)
JOBS_STALE_SECONDS = int(env("ZHAOSHANG_JOBS_STALE_SECONDS", "300") or 300)
JOBS_KEEP_DAYS = int(env("ZHAOSHANG_JOBS_KEEP_DAYS", "30") or 30)
# Double claims (claims/): a pair of projects scoring at least this (0..1) is shown to the bureau for review.
DOUBLE_CLAIM_THRESHOLD = env("ZHAOSHANG_DOUBLE_CLAIM_THRESHOLD", "0.65") or "0.65"
# Investors to review (projects/investors.py): one whose projects are credited to this many units, or typed under
# this many names.
INVESTOR_UNITS_FLAG = int(env("ZHAOSHANG_INVESTOR_UNITS_FLAG", "2") or 2)
INVESTOR_SPELLINGS_FLAG = int(env("ZHAOSHANG_INVESTOR_SPELLINGS_FLAG", "3") or 3)
# Leads (issue 18): days a follow-up may be overdue before the owner, the unit head, then the bureau are alerted;
# leads one address may send through the public intake page per hour.
LEAD_ESCALATION_DAYS = tuple(int(d) for d in (env("ZHAOSHANG_LEAD_ESCALATION_DAYS", "7,15,30") or "7,15,30").split(","))
LEAD_INTAKE_PER_HOUR = int(env("ZHAOSHANG_LEAD_INTAKE_PER_HOUR", "5") or 5)
# Enterprise liaison (issue 19): days an enterprise's demand may be past its deadline before the department's
# reporters, then the bureau are alerted (`zhaoshang liaison_escalations`).
LIAISON_ESCALATION_DAYS = tuple(int(d) for d in (env("ZHAOSHANG_LIAISON_ESCALATION_DAYS", "3,10") or "3,10").split(","))
# Milestones (issue 18): a milestone planned within this many days is upcoming.
MILESTONE_UPCOMING_DAYS = int(env("ZHAOSHANG_MILESTONE_UPCOMING_DAYS", "14") or 14)
# Promises and complaints (issue 19): an overdue one is told to its department the day after its due date, and to
# the bureau this many days after it.
PROMISE_ESCALATION_DAYS = int(env("ZHAOSHANG_PROMISE_ESCALATION_DAYS", "7") or 7)
# Stored results (jobs/stored.py: the forecast, the assessment): computed by a job, never in a request. A refresh
# waits RESULTS_DEBOUNCE_SECONDS (a burst of writes costs one computation); `zhaoshang refresh_results` keeps warm
# the results read within RESULTS_KEEP_WARM_DAYS and deletes the others. RESULTS_COMPUTE_ON_MISS computes a
# missing or stale result in the request instead: for the tests only (conftest.py), never in production.
RESULTS_DEBOUNCE_SECONDS = float(env("ZHAOSHANG_RESULTS_DEBOUNCE_SECONDS", "10") or 10)
RESULTS_KEEP_WARM_DAYS = int(env("ZHAOSHANG_RESULTS_KEEP_WARM_DAYS", "7") or 7)
RESULTS_COMPUTE_ON_MISS = env_bool("ZHAOSHANG_RESULTS_COMPUTE_ON_MISS", False)
# After a write to the ledger commits, queue the (debounced) refresh of the stale results read lately.
RESULTS_REFRESH_ON_WRITE = env_bool("ZHAOSHANG_RESULTS_REFRESH_ON_WRITE", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organization.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # the ledger, or the dashboard for leaders (organization.views.home)
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): AXES_FAILURE_LIMIT failed logins for one user name from one address lock that
# pair out for AXES_COOLOFF_MINUTES; failures older than that are forgotten. The backend skips requestless
# authenticate() calls (the test client), which never come from a login form.
AUTHENTICATION_BACKENDS = [
    "zhaoshang.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=float(env("AXES_COOLOFF_MINUTES", "15") or 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "zhaoshang.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Bureau, admin and supervisor accounts must enrol a TOTP device before using the system when this is on.
ZHAOSHANG_REQUIRE_2FA = env_bool("ZHAOSHANG_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Zhaoshang"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# django-filter's empty choice reads 请选择, as every other select (issue 12), not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _lazy("Choose…")
# New project codes are suggested by this pattern ({year}, {seq}); the user may change the code.
PROJECT_CODE_PATTERN = env("ZHAOSHANG_PROJECT_CODE_PATTERN", "ZS{year}-{seq:04d}")
# The dashboard's command-centre screen (数据大屏) reloads itself every so many seconds.
DASHBOARD_SCREEN_REFRESH = int(env("ZHAOSHANG_SCREEN_REFRESH", "300") or 300)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
# Attachments are never served from MEDIA_URL: downloads go through a view that checks permission.
MEDIA_URL = "/media-not-served/"

# Threads (each with its own database connection) that independent reads of one page may use side by side: a cold
# dashboard reads its figures, lists and ranking at once (core.concurrency). 1 reads them one after the other.
READ_THREADS = max(1, int(env("READ_THREADS", "3") or 1))

# PostgreSQL: a web request's statements are cancelled after this many milliseconds (core.guard), well under
# gunicorn's --timeout 120 so that a slow query ends as a "query timed out" page, not a killed worker and an
# orphaned query. Migrations, management commands and background jobs are not limited. 0 turns it off.
STATEMENT_TIMEOUT_MS = max(0, int(env("ZHAOSHANG_STATEMENT_TIMEOUT_MS", "30000") or 0))

# Evidence uploads: size limit in bytes and accepted file types.
ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)) or 0)
ATTACHMENT_EXTENSIONS = env_list("ATTACHMENT_EXTENSIONS", "pdf,jpg,jpeg,png,gif,webp,doc,docx,xls,xlsx,ofd,zip,txt")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_AGE = int(float(env("ZHAOSHANG_SESSION_HOURS", "8") or 8) * 3600)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and "DATABASE_URL" in os.environ)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The preload flag only allows a later submission to browsers' preload lists; it changes nothing by itself.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
# Behind a reverse proxy (nginx): the client's address is the last one the proxy appends to X-Forwarded-For.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"


# Mail. EMAIL_URL names the SMTP server: smtp://user:pass@host:25 (plain), smtp+tls://user:pass@host:587
# (STARTTLS) or smtps://user:pass@host:465 (TLS from the start); user and password percent-encoded,
# ?timeout=SECONDS optional (default 10). Unset, mail is printed on the console, which suits a trial.
def email_settings(url: str | None) -> dict:
    """Django's EMAIL_* settings for an EMAIL_URL (the console backend when there is none)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    found = {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }
    if not url:
        return found
    parts = urlsplit(url)
    schemes = {"smtp": (25, False, False), "smtp+tls": (587, True, False), "smtps": (465, False, True)}
    if parts.scheme not in schemes:
        raise ValueError(f"EMAIL_URL: unknown scheme {parts.scheme!r} (use smtp, smtp+tls or smtps)")
    port, use_tls, use_ssl = schemes[parts.scheme]
    return found | {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": int(parse_qs(parts.query).get("timeout", ["10"])[0]),
    }


_EMAIL = email_settings(env("EMAIL_URL"))
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL["EMAIL_HOST"]
EMAIL_PORT = _EMAIL["EMAIL_PORT"]
EMAIL_HOST_USER = _EMAIL["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _EMAIL["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _EMAIL["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _EMAIL["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _EMAIL["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "zhaoshang@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of the site as users reach it, e.g. https://zs.county.gov.cn: links in mail and in group
# robot messages are made absolute with it (left relative when unset).
SITE_URL = (env("SITE_URL", "") or "").rstrip("/")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhaoshang.accounts.api.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "zhaoshang.core.api_schema.ErrorDocumentingAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhaoshang API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # An enterprise's answer to a demand and an investor's to a complaint are the same choices: one name for both.
    "ENUM_NAME_OVERRIDES": {"SatisfactionEnum": "zhaoshang.liaison.choices.Satisfaction"},
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Names shown in the page header; a bureau sets its own county's name.
SITE_TITLE = env("SITE_TITLE", "")
