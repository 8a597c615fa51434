"""Drafts: defaults, validation and who may write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from zhaoshang.bulletins import services
from zhaoshang.bulletins.choices import Status
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.targets import services as target_services

from .conftest import FEB, JAN


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_defaults(period, users):
    bulletin = services.create_draft(user=users["bureau"], period=period, month=dt.date(2025, 10, 17))
    assert bulletin.month == dt.date(2025, 10, 1)
    assert bulletin.as_of == dt.date(2025, 10, 31)  # the month is over: its last day
    assert bulletin.title == "关于2025年10月全县招商引资工作进展情况的通报"
    assert bulletin.number == "招商通〔2025〕10号"
    assert bulletin.basis == "reported" and bulletin.big_project_amount == Decimal("5000")
    assert bulletin.requirements.count("\n") == 4 and bulletin.requirements.startswith("一要")
    assert bulletin.status == Status.DRAFT and bulletin.created_by == users["bureau"]
    assert bulletin.history.first().history_user == users["bureau"]


def test_as_of_is_today_while_the_month_runs(users):
    today = timezone.localdate()
    period = target_services.save_period(
        user=users["bureau"],
        data={
            "code": "NOW",
            "name": "本年度",
            "start": today.replace(month=1, day=1),
            "end": today.replace(month=12, day=31),
        },
    )
    bulletin = services.create_draft(user=users["bureau"], period=period, month=today)
    assert bulletin.as_of == min(today, services.compute.month_end(today))
    with pytest.raises(ValidationError, match="future"):
        services.update_draft(user=users["bureau"], bulletin=bulletin, as_of=today + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"month": dt.date(2024, 12, 1)}, "outside the period"),
        ({"month": dt.date(2026, 1, 1)}, "outside the period"),
        ({"month": FEB, "as_of": dt.date(2025, 1, 31)}, "as of a day in the month"),
        ({"month": FEB, "big_project_amount": Decimal("0")}, "threshold"),
        ({"month": FEB, "title": "  "}, "title"),
    ],
)
def test_validation(period, users, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        services.create_draft(user=users["bureau"], period=period, **kwargs)
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize("name", ["leader", "supervisor", "reporter_a"])
def test_only_bureau_and_admin_write(period, ledger, users, name):
    with pytest.raises(PermissionDenied):
        services.create_draft(user=users[name], period=period, month=FEB)
    draft = services.create_draft(user=users["admin"], period=period, month=FEB)
    for write in (
        lambda: services.update_draft(user=users[name], bulletin=draft, title="x"),
        lambda: services.issue(user=users[name], bulletin=draft),
        lambda: services.delete_draft(user=users[name], bulletin=draft),
    ):
        with pytest.raises(PermissionDenied):
            write()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_verified_basis(period, ledger, users):
    """Verified figures come from supervision: where the assessment cannot compute them yet, issuing is
    refused with a message; where it can, nothing verified means nothing counted."""
    draft = services.create_draft(user=users["bureau"], period=period, month=FEB, basis="verified")
    try:
        issued = services.issue(user=users["bureau"], bulletin=draft)
    except ValidationError as error:
        assert "Verified figures" in error.messages[0]
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT and draft.snapshot is None
        return
    assert issued.snapshot["assessment"]["basis"] == "verified"
    assert all(unit["score"] == "0.0000" for unit in issued.snapshot["assessment"]["units"])
    assert issued.snapshot["overall"]["figures"][0]["month"] == "3"  # the overall figures are the ledger's


def test_several_drafts_but_one_issue_per_month(period, ledger, users):
    first = services.create_draft(user=users["bureau"], period=period, month=FEB)
    second = services.create_draft(user=users["bureau"], period=period, month=FEB)
    services.issue(user=users["bureau"], bulletin=second)
    with pytest.raises(ValidationError, match="already been issued"):
        services.issue(user=users["bureau"], bulletin=first)
    services.delete_draft(user=users["bureau"], bulletin=first)
    assert list(Bulletin.objects.values_list("status", flat=True)) == [Status.ISSUED]


def test_a_document_number_is_used_once(period, ledger, users):
    """Issue 12: 文号 are unique — a second draft with a number already used is refused at creation (and when
    edited); a second draft of the same month takes the next free default number."""
    first = services.create_draft(user=users["bureau"], period=period, month=JAN, number="招商通〔2025〕1号")
    with pytest.raises(ValidationError, match="already used"):
        services.create_draft(user=users["bureau"], period=period, month=FEB, number="招商通〔2025〕1号")
    second = services.create_draft(user=users["bureau"], period=period, month=JAN)
    assert second.number != first.number and second.number.startswith("招商通〔2025〕")
    with pytest.raises(ValidationError, match="already used"):
        services.update_draft(user=users["bureau"], bulletin=second, number=first.number)


def test_an_issued_bulletin_is_corrected_by_a_correction_that_supersedes_it(period, ledger, users):
    """Issue 12: an issued bulletin is never changed; a correction (更正) is issued for the same month and
    supersedes it; both stay frozen and visible; a second correction of the same bulletin is refused."""
    original = services.issue(
        user=users["bureau"], bulletin=services.create_draft(user=users["bureau"], period=period, month=JAN)
    )
    frozen = original.snapshot
    with pytest.raises(ValidationError):
        services.create_correction(
            user=users["bureau"], bulletin=services.create_draft(user=users["bureau"], period=period, month=FEB)
        )
    with pytest.raises(PermissionDenied):
        services.create_correction(user=users["reporter_a"], bulletin=original)
    correction = services.create_correction(user=users["bureau"], bulletin=original)
    assert correction.corrects == original and correction.status == Status.DRAFT
    assert correction.number == f"{original.number}（更正）" and correction.title.endswith("（更正）")
    assert original.superseded_by is None  # a draft correction supersedes nothing yet
    issued = services.issue(user=users["bureau"], bulletin=correction)
    original.refresh_from_db()
    assert original.superseded_by == issued and original.status == Status.ISSUED and original.snapshot == frozen
    with pytest.raises(ValidationError):
        services.create_correction(user=users["bureau"], bulletin=original)
    # The correction itself can be corrected.
    again = services.create_correction(user=users["bureau"], bulletin=issued)
    assert again.corrects == issued
