"""The double-claim check on the independent labelled ledger (``tests/data/claims/labelled_ledger.csv``).

The set was written without reading the check's code (``bench/make_labelled_ledger.py`` draws it; the README's
"independent labelled set" section describes it). The bounds are the figures measured at the default threshold
with ``bench/claims_eval_csv.py`` (recall rounded down, false share rounded up to the percent): a change of the
check that finds fewer planted duplicates, or flags more false pairs, fails here.

History: the check as first written found 71 of the 130 planted pairs (54.6 %) of this set; its investor reading was
then improved on this set (branches, a short spelling or a pinyin brand inside the full name, a city written without
市, the parent's trade name, the trade name inside the project's name): 124 of 130, no false flag. The held-out draw
(``labelled_ledger_holdout.csv``, seed 7, drawn before the changes and not looked at row by row) measures the
changes without having shaped them: 117 of 124, no false flag.
"""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from zhaoshang.projects.credit_code import is_valid as credit_code_valid

from .labelled import CSV_PATH, duplicate_pairs, load_ledger, read_rows, score

HOLDOUT = CSV_PATH.with_name("labelled_ledger_holdout.csv")
# (set, recall rounded down, false share rounded up), measured at the default threshold.
MEASURED = [
    pytest.param(CSV_PATH, 0.95, 0.01, id="tuning"),  # 124 / 130 = 95.4 %; 0 of 124 flagged false
    pytest.param(HOLDOUT, 0.94, 0.01, id="held-out"),  # 117 / 124 = 94.4 %; 0 of 117 flagged false
]


def test_the_labelled_set_is_well_formed():
    rows = read_rows()
    assert 600 <= len(rows) <= 1000
    assert len({row["code"] for row in rows}) == len(rows)
    sizes = Counter(row["group"] for row in rows if row["group"])
    assert 80 <= len(sizes) <= 120
    assert set(sizes.values()) <= {2, 3}
    assert len(duplicate_pairs(rows)) == sum(n * (n - 1) // 2 for n in sizes.values())
    codes = [row["credit_code"] for row in rows if row["credit_code"]]
    assert codes and all(credit_code_valid(code) for code in codes), [c for c in codes if not credit_code_valid(c)]
    hard = Counter(row["label_note"] for row in rows if row["label_note"].startswith("hard:"))
    assert sum(hard.values()) >= 250  # about 150 pairs' worth of hard negatives
    assert not any(row["group"] and row["label_note"].startswith("hard:") for row in rows)


def test_credit_code_check_digit():
    assert credit_code_valid("91350100M000100Y43")  # the standard's own example
    assert not credit_code_valid("91350100M000100Y44")
    assert not credit_code_valid("91350100M000100Y4")
    assert not credit_code_valid("91350100M000100I43")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "recall", "false_share"), MEASURED)
def test_the_check_on_the_labelled_set_at_the_default_threshold(path, recall, false_share):
    rows = read_rows(path)
    loaded = load_ledger(rows)
    assert loaded["projects"] == len(rows)
    out = io.StringIO()
    call_command("double_claims", "--format", "json", stdout=out)
    flagged = json.loads(out.getvalue())
    figures = score(rows, flagged)
    assert figures["recall"] >= recall, (figures["recall"], figures["missed_pairs"][:5])
    assert figures["false_share"] <= false_share, (figures["false_share"], figures["false_pairs"][:5])
