"""The independent labelled ledger (``tests/data/claims/labelled_ledger.csv``): load it, and score a check's pairs.

Shared by ``test_labelled_csv`` and ``bench/claims_eval_csv.py``. The loader writes rows as an import leaves them
(one county, one investor per credit code, the unit credited 100 %, the project signed on its date); it does not
call the double-claim check: the caller runs it (``zhaoshang double_claims``).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parents[4] / "tests" / "data" / "claims" / "labelled_ledger.csv"
# Unit names end in these words; anything else is a county department.
_CATEGORY_BY_ENDING = (("镇", "township"), ("乡", "township"), ("管委会", "park"), ("联络处", "office"))


def read_rows(path: Path = CSV_PATH) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def duplicate_pairs(rows: list[dict]) -> set[frozenset[str]]:
    """Every pair of codes within one duplicate group: the pairs the check should find."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        if row["group"]:
            groups.setdefault(row["group"], []).append(row["code"])
    return {frozenset(pair) for codes in groups.values() for pair in itertools.combinations(codes, 2)}


def load_ledger(rows: list[dict]) -> dict[str, int]:
    """Create the county, its units, investors and projects of ``rows`` in the current database."""
    from django.db import transaction

    from zhaoshang.organization.models import Unit
    from zhaoshang.projects.choices import Stage
    from zhaoshang.projects.models import Investor, Project, ProjectCredit

    with transaction.atomic():
        county = Unit.objects.create(code="EV000", name="平川县", category="jurisdiction")
        units: dict[str, Unit] = {}
        for index, name in enumerate(sorted({row["unit"] for row in rows}), start=1):
            category = next((cat for end, cat in _CATEGORY_BY_ENDING if name.endswith(end)), "department")
            units[name] = Unit.objects.create(code=f"EV{index:03d}", name=name, parent=county, category=category)
        by_code: dict[str, Investor] = {}
        by_name: dict[str, Investor] = {}
        for row in rows:
            name, code = row["investor"].strip(), row["credit_code"].strip()
            investor = by_code.get(code) if code else None
            investor = investor or by_name.get(name)
            if investor is None:
                investor = Investor.objects.create(name=name, credit_code=code or None)
            elif code and not investor.credit_code:
                investor.credit_code = code
                investor.save(update_fields=["credit_code"])
            by_name.setdefault(name, investor)
            if code:
                by_code[code] = investor
            unit = units[row["unit"]]
            signed_on = dt.date.fromisoformat(row["signed_on"]) if row["signed_on"] else None
            project = Project.objects.create(
                code=row["code"],
                name=row["name"],
                investor=investor,
                location=row["location"],
                planned_investment=Decimal(row["planned_investment"] or "0"),
                contract_amount=Decimal(row["contract_amount"] or "0"),
                responsible_unit=unit,
                stage=Stage.SIGNED if signed_on else Stage.NEGOTIATING,
                stage_date=signed_on,
            )
            ProjectCredit.objects.create(project=project, unit=unit, share=Decimal("100"))
            if signed_on:
                Project.objects.filter(pk=project.pk).update(signed_on=signed_on, negotiating_on=signed_on)
    return {"units": len(units), "investors": len(set(by_name.values())), "projects": len(rows)}


def score(rows: list[dict], flagged: list[dict]) -> dict:
    """Recall (duplicate pairs found) and false-flag share (flagged pairs not within one group) of the check's
    JSON pairs ``[{"a", "b", "score", "reasons"}]``, with the missed and false pairs to read."""
    truth = duplicate_pairs(rows)
    by_code = {row["code"]: row for row in rows}
    found = {frozenset((p["a"], p["b"])): p for p in flagged}
    hits = truth & found.keys()
    false = [found[key] for key in found.keys() - truth]
    missed = truth - found.keys()

    def brief(code: str) -> dict:
        row = by_code[code]
        keys = ("code", "unit", "name", "investor", "credit_code", "location", "planned_investment", "signed_on")
        return {k: row[k] for k in keys} | {"note": row["label_note"]}

    false_by_kind: dict[str, int] = {}
    for pair in false:
        notes = {by_code[pair["a"]]["label_note"], by_code[pair["b"]]["label_note"]}
        kinds = sorted(n for n in notes if n.startswith("hard:")) or ["other"]
        false_by_kind["+".join(kinds)] = false_by_kind.get("+".join(kinds), 0) + 1
    missed_by_kind: dict[str, int] = {}
    for pair in missed:
        for code in pair:
            note = by_code[code]["label_note"]
            if note != "dup:original":
                for part in note.removeprefix("dup:").split(","):
                    missed_by_kind[part] = missed_by_kind.get(part, 0) + 1
    return {
        "duplicate_pairs": len(truth),
        "flagged": len(found),
        "found": len(hits),
        "recall": len(hits) / len(truth) if truth else 1.0,
        "false": len(false),
        "false_share": len(false) / len(found) if found else 0.0,
        "false_by_kind": dict(sorted(false_by_kind.items())),
        "missed_by_variation": dict(sorted(missed_by_kind.items(), key=lambda kv: -kv[1])),
        "missed_pairs": [{"a": brief(a), "b": brief(b)} for a, b in sorted(sorted(pair) for pair in missed)],
        "false_pairs": [
            {"score": p["score"], "reasons": p["reasons"], "a": brief(p["a"]), "b": brief(p["b"])}
            for p in sorted(false, key=lambda p: -p["score"])
        ],
    }
