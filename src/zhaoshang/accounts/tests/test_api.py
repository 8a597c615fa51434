"""API tokens (digest only, expiry, revocation), 401 for anonymous calls, the schema for logged-in users only,
and a bounded schemathesis run as bureau and as reporter with no server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from zhaoshang.accounts import services
from zhaoshang.accounts.models import ApiToken, token_digest


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_anonymous_api_is_401_with_www_authenticate(client, db):
    response = client.get("/api/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/schema/").status_code == 401


def test_token_is_stored_as_a_digest_and_works_until_revoked(users, make_project):
    make_project()
    token, raw = services.create_token(user=users["reporter_a"], owner=users["reporter_a"], name="脚本", days=30)
    assert raw not in (token.digest, token.prefix) and token.digest == token_digest(raw)
    assert not ApiToken.objects.filter(digest=raw).exists()
    client = Client()
    response = client.get("/api/projects/", **bearer(raw))
    assert response.status_code == 200 and response.json()["count"] == 1
    assert client.get("/api/projects/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200
    assert client.get("/api/schema/", **bearer(raw)).status_code == 200
    services.revoke_token(user=users["reporter_a"], token=token)
    assert client.get("/api/projects/", **bearer(raw)).status_code == 401
    assert client.get("/api/projects/", **bearer("zs_not-a-token")).status_code == 401


def test_expired_token_is_refused(users):
    token, raw = services.create_token(user=users["bureau"], owner=users["bureau"], name="x", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at - timedelta(seconds=1))
    assert Client().get("/api/projects/", **bearer(raw)).status_code == 401


def test_expiry_bounds_and_who_manages(users):
    for days in (0, 367):
        with pytest.raises(ValidationError):
            services.create_token(user=users["bureau"], owner=users["bureau"], name="x", days=days)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.create_token(user=users["bureau"], owner=users["reporter_a"], name="x", days=5)
    token, _raw = services.create_token(user=users["admin"], owner=users["reporter_a"], name="x", days=5)
    with pytest.raises(PermissionDenied):
        services.revoke_token(user=users["reporter_b"], token=token)


def test_tokens_page_shows_the_token_once(client, users):
    client.force_login(users["reporter_a"])
    response = client.post(reverse("accounts:tokens"), {"action": "create", "name": "报表", "days": "90"})
    raw = response.context["created"]
    assert raw.startswith("zs_") and raw in response.content.decode()
    again = client.get(reverse("accounts:tokens"))
    assert raw not in again.content.decode() and "报表" in again.content.decode()


def test_schema_documents_error_responses(client, users):
    client.force_login(users["bureau"])
    schema = client.get("/api/schema/?format=json").json()
    detail = schema["paths"]["/api/projects/{id}/"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(detail)
    listing = schema["paths"]["/api/projects/"]["get"]["responses"]
    assert {"200", "400", "401", "403"} <= set(listing)


@pytest.mark.parametrize("role", ["bureau", "reporter_a"])
def test_schemathesis_finds_no_server_error(users, make_project, role, settings):
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hsettings

    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    for _ in range(3):
        make_project()
    _token, raw = services.create_token(user=users[role], owner=users[role], name="st", days=1)
    client = Client()
    spec = client.get("/api/schema/?format=json", **bearer(raw)).json()
    from zhaoshang.wsgi import application

    schema = schemathesis.openapi.from_dict(spec)
    schema.app = application
    counts = {"requests": 0, "5xx": 0}
    failures = []
    for operation in schema.get_all_operations():
        operation = operation.ok()

        @hsettings(
            max_examples=17,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def run(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {raw}"}
            response = case.call()
            counts["requests"] += 1
            if response.status_code >= 500:
                counts["5xx"] += 1
                failures.append((case.method, case.formatted_path, case.query, response.status_code))

        # Called as a WSGI app, Django closes the database connection after each request, which on PostgreSQL
        # closes the test's own transaction: keep it open, as Django's test client does.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            run()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
    print(role, counts)
    assert counts["requests"] >= 90
    assert counts["5xx"] == 0, failures
