"""Issue 11 part 6: a verification is refused when the record was verified or changed since the page loaded."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from zhaoshang.projects import services as project_services
from zhaoshang.supervision.models import Verification

from .support import D, receipt

pytestmark = pytest.mark.django_db


def version_of_row(page: str, kind: str, pk: int) -> str:
    form = page[page.index(f'id="verify-{kind}-{pk}"') :]
    return re.search(r'name="version" value="([^"]+)"', form).group(1)


def _sessions(users, batch, subject):
    first, second = Client(), Client()
    first.force_login(users["supervisor"])
    second.force_login(users["admin"])
    url = f"/supervision/batches/{batch.pk}/"
    v1 = version_of_row(first.get(url).content.decode(), "receipt", subject.pk)
    v2 = version_of_row(second.get(url).content.decode(), "receipt", subject.pk)
    return first, second, v1, v2


def test_second_verification_of_the_same_record_is_refused(users, batch, ledger):
    subject = receipt(ledger["P1"], "500")
    first, second, v1, v2 = _sessions(users, batch, subject)
    data = {"kind": "receipt", "object_id": subject.pk, "page": "1"}
    url = f"/supervision/batches/{batch.pk}/verify/"
    assert first.post(url, {**data, "result": "confirmed", "version": v1}).status_code == 302
    response = second.post(url, {**data, "result": "rejected", "comment": "无回单", "version": v2}, follow=True)
    page = response.content.decode()
    assert "其他人" in page
    assert list(Verification.objects.values_list("result", flat=True)) == ["confirmed"]


def test_verification_after_the_receipt_changed_is_refused(users, batch, ledger):
    subject = receipt(ledger["P1"], "500")
    first, _second, v1, _v2 = _sessions(users, batch, subject)
    project_services.update_receipt(user=users["bureau"], receipt=subject, amount=D("520"))
    data = {"kind": "receipt", "object_id": subject.pk, "page": "1", "result": "confirmed", "version": v1}
    page = first.post(f"/supervision/batches/{batch.pk}/verify/", data, follow=True).content.decode()
    assert "其他人" in page and "520" in page
    assert not Verification.objects.exists()
