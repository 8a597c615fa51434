"""The bureau's decisions on a double-claim pair: merge (nothing lost), different projects, second phase."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from zhaoshang.claims import decide
from zhaoshang.claims.choices import PairStatus
from zhaoshang.claims.models import ClaimPair
from zhaoshang.projects import services
from zhaoshang.projects.models import Attachment, FundsReceipt, Project, StageEvent
from zhaoshang.projects.selectors import derived_columns_out_of_step

from .support import make_pair

pytestmark = pytest.mark.django_db
D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def attach(user, project, name, **kwargs):
    return services.add_attachment(
        user=user,
        project=project,
        uploaded=SimpleUploadedFile(name, PDF + name.encode(), content_type="application/pdf"),
        kind="contract",
        **kwargs,
    )


@pytest.fixture
def twins(users, units, make_project):
    """P1 (T01) and P2 (T02, claimed again under another name), both signed and with funds, evidence, a progress
    report in one round and verifications; P2 alone has started."""
    from zhaoshang.scheduling import services as scheduling
    from zhaoshang.supervision import services as supervision

    bureau = users["bureau"]
    p1 = make_project(units["a"], code="P1", name="年产10万吨新材料项目", planned_investment=D("5000"))
    p2 = make_project(units["b"], code="P2", name="新建新材料生产线", planned_investment=D("5000"))
    services.record_stage(user=bureau, project=p1, stage="signed", date=dt.date(2026, 3, 1), amount=D("5000"))
    services.record_stage(user=bureau, project=p2, stage="signed", date=dt.date(2026, 3, 5), amount=D("4800"))
    services.record_stage(user=bureau, project=p2, stage="started", date=dt.date(2026, 5, 1))
    r1 = services.add_receipt(user=bureau, project=p1, date=dt.date(2026, 4, 1), amount=D("300"))
    r2 = services.add_receipt(user=bureau, project=p2, date=dt.date(2026, 4, 2), amount=D("200"))
    e1, e2 = p1.stage_events.get(stage="signed"), p2.stage_events.get(stage="signed")
    attach(bureau, p1, "c1.pdf", stage_event=e1)
    attach(bureau, p2, "c2.pdf", stage_event=e2)
    attach(bureau, p2, "bank2.pdf", receipt=r2)
    scheduling.open_round(user=bureau, date=dt.date(2026, 10, 12), stages=["signed", "started"])
    batch = supervision.create_batch(
        user=users["supervisor"],
        name="督查",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        method="threshold",
        min_amount=D("0"),
    )
    for subject in (e1, e2, r1, r2):
        key = "receipt" if isinstance(subject, FundsReceipt) else "stage_event"
        supervision.verify(user=users["supervisor"], batch=batch, result="confirmed", **{key: subject})
    p1.refresh_from_db()
    p2.refresh_from_db()
    return {"p1": p1, "p2": p2, "pair": make_pair(p1, p2), "batch": batch}


def history_counts(*projects_ids):
    from zhaoshang.supervision.models import Verification

    return {
        "project": Project.history.filter(id__in=projects_ids).count(),
        "event": StageEvent.history.filter(project_id__in=projects_ids).count(),
        "receipt": FundsReceipt.history.filter(project_id__in=projects_ids).count(),
        "attachment": Attachment.history.filter(project_id__in=projects_ids).count(),
        "verification": Verification.history.filter(project_id__in=projects_ids).count(),
    }


def test_every_relation_of_a_project_is_handled():
    """A relation added to Project later must be named in RELATIONS (how a merge handles it) — or moved by the
    generic rule without anyone having said so."""
    assert {decide.relation_key(r) for r in decide.project_relations()} == set(decide.RELATIONS)


def test_merge_loses_no_receipt_event_attachment_verification_or_history_row(users, units, twins):
    from zhaoshang.scheduling.models import ProgressReport
    from zhaoshang.supervision.models import Verification

    p1, p2, pair = twins["p1"], twins["p2"], twins["pair"]
    receipts = set(FundsReceipt.objects.values_list("pk", flat=True))
    attachments = set(Attachment.objects.values_list("pk", flat=True))
    verifications = Verification.objects.count()
    before = history_counts(p1.pk, p2.pk)
    assert ProgressReport.objects.filter(project__in=[p1, p2]).count() == 2

    kept = decide.merge(
        user=users["bureau"], pair=pair, kept=p1, shares=[(units["a"], D("60")), (units["b"], D("40"))], note="同一项目"
    )

    assert not Project.objects.filter(pk=p2.pk).exists()
    assert set(kept.receipts.values_list("pk", flat=True)) == receipts
    assert set(kept.attachments.values_list("pk", flat=True)) == attachments
    assert Verification.objects.filter(project=kept).count() == verifications
    signed = kept.stage_events.get(stage="signed")
    assert signed.attachments.count() == 2 and signed.verifications.count() == 2
    assert "P2" in signed.note and "2026-03-05" in signed.note and "4800" in signed.note
    assert kept.stage_events.filter(stage="started").exists()  # moved: only P2 had it
    assert {(c.unit.code, c.share) for c in kept.credits.all()} == {("T01", D("60")), ("T02", D("40"))}
    assert ProgressReport.objects.filter(project=kept).count() == 1
    assert kept.funds_total == D("500") and kept.stage == "started"
    assert derived_columns_out_of_step() == []
    after = history_counts(p1.pk, p2.pk)
    for key, count in before.items():
        assert after[key] >= count, key  # rows are only added, never lost
    assert Project.history.filter(id=p2.pk, history_type="-").exists()

    pair.refresh_from_db()
    assert pair.status == PairStatus.SAME and pair.decided_by == users["bureau"] and pair.decided_at
    assert pair.kept == kept and pair.project_a_id == p1.pk and pair.project_b is None
    record = pair.merged_record
    assert record["project"]["code"] == "P2"
    assert [c["code"] for c in record["credits"]["absorbed"]] == ["T02"]
    assert [e["stage"] for e in record["events"]] == ["signed"]
    assert len(record["reports"]) == 1
    assert pair.history.count() >= 2


def test_shares_not_summing_to_100_are_refused(users, units, twins):
    with pytest.raises(ValidationError, match="not 100"):
        decide.merge(
            user=users["bureau"],
            pair=twins["pair"],
            kept=twins["p1"],
            shares=[(units["a"], D("60")), (units["b"], D("30"))],
        )
    assert Project.objects.filter(pk=twins["p2"].pk).exists()
    # A unit given 0 is removed: the rest must still sum to 100.
    kept = decide.merge(
        user=users["bureau"],
        pair=twins["pair"],
        kept=twins["p2"],
        shares=[(units["a"], D("0")), (units["b"], D("100"))],
    )
    assert [c.unit.code for c in kept.credits.all()] == ["T02"]


def test_a_unit_credited_to_neither_is_refused(users, units, twins):
    with pytest.raises(ValidationError, match="neither"):
        decide.merge(user=users["bureau"], pair=twins["pair"], kept=twins["p1"], shares=[(units["dept"], D("100"))])


def test_decided_pair_is_not_decided_again(users, units, twins):
    decide.decide_different(user=users["bureau"], pair=twins["pair"], note="两个项目")
    with pytest.raises(ValidationError, match="decided already"):
        decide.merge(user=users["bureau"], pair=twins["pair"], kept=twins["p1"], shares=[(units["a"], D("100"))])
    pair = ClaimPair.objects.get()
    assert pair.status == PairStatus.DIFFERENT and pair.note == "两个项目"


@pytest.mark.parametrize("role", ["reporter_a", "reporter_b", "leader", "supervisor"])
def test_only_the_bureau_decides(users, units, twins, role):
    with pytest.raises(PermissionDenied):
        decide.merge(user=users[role], pair=twins["pair"], kept=twins["p1"], shares=[(units["a"], D("100"))])
    with pytest.raises(PermissionDenied):
        decide.decide_different(user=users[role], pair=twins["pair"])
    assert ClaimPair.objects.get().status == PairStatus.OPEN


def test_second_phase_links_the_later_project(users, twins):
    decide.decide_phase(user=users["admin"], pair=twins["pair"], earlier=twins["p1"])
    p2 = Project.objects.get(pk=twins["p2"].pk)
    assert p2.earlier_phase_id == twins["p1"].pk and p2.second_phase
    assert p2.history.first().earlier_phase_id == twins["p1"].pk
    assert ClaimPair.objects.get().status == PairStatus.PHASE


def test_open_pairs_of_the_absorbed_project_follow_it(users, units, make_project, twins):
    p3 = make_project(units["dept"], code="P3", name="新材料三")
    other = make_pair(twins["p2"], p3)
    decide.merge(user=users["bureau"], pair=twins["pair"], kept=twins["p1"], shares=[(units["a"], D("100"))])
    other.refresh_from_db()
    assert {other.code_a, other.code_b} == {"P1", "P3"} and other.status == PairStatus.OPEN


def test_a_merge_whose_stage_dates_would_run_backwards_is_refused(users, units, make_project):
    bureau = users["bureau"]
    late = make_project(units["a"], code="L1", name="年产5万吨饲料项目")
    early_start = make_project(units["b"], code="L2", name="新建5万吨饲料")
    services.record_stage(user=bureau, project=late, stage="signed", date=dt.date(2026, 6, 1), amount=D("100"))
    services.record_stage(user=bureau, project=early_start, stage="started", date=dt.date(2026, 3, 1))
    pair = make_pair(late, early_start)
    shares = [(units["a"], D("50")), (units["b"], D("50"))]
    # Kept L1 signed on 1 June would take L2's start of 1 March: the dates would run backwards.
    with pytest.raises(ValidationError, match="run backwards"):
        decide.merge(user=bureau, pair=pair, kept=late, shares=shares)
    assert Project.objects.filter(code="L2").exists() and StageEvent.objects.filter(project__code="L2").exists()
    pair.refresh_from_db()
    assert pair.status == "open"
    # Once the bureau corrects the start, the merge goes through.
    services.record_stage(user=bureau, project=early_start, stage="started", date=dt.date(2026, 7, 1))
    kept = decide.merge(user=bureau, pair=pair, kept=late, shares=shares)
    assert dict(kept.stage_events.values_list("stage", "date")) == {
        "signed": dt.date(2026, 6, 1),
        "started": dt.date(2026, 7, 1),
    }
