"""The section 市场主体包联走访诉求办理 (issue 19): per department handling enterprise demands, as of the bulletin's
date: a demand closed out after it still counts as open (and overdue) in it, one raised after it is nowhere, one
closed out before the period is left out; the figures equal the liaison's own rules; the .docx says the same."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from zhaoshang.bulletins import selectors, services
from zhaoshang.liaison import rules
from zhaoshang.liaison.models import Demand, Enterprise

pytestmark = pytest.mark.django_db


def test_section_as_of_the_bulletins_date(draft, units, users, client):
    assert "liaison" not in services.snapshot_for(draft, detail=False)
    as_of = dt.date.fromisoformat(services.snapshot_for(draft, detail=False)["as_of"])
    ent = Enterprise.objects.create(name="恒泰新材料", unit=units["a"])

    def add(department, raised, deadline, closed_on=None, satisfaction=""):
        status = "closed" if closed_on else ("in_progress" if satisfaction else "open")
        return Demand.objects.create(enterprise=ent, department=units[department], category="land", description="用地",
                                     raised_on=raised, deadline=deadline, status=status, closed_on=closed_on,
                                     satisfaction=satisfaction)  # fmt: skip

    add("dept", dt.date(2025, 1, 10), dt.date(2025, 1, 31), dt.date(2025, 2, 5), "satisfied")  # closed in time
    add("dept", dt.date(2025, 1, 10), dt.date(2025, 2, 10))  # open, overdue at the bulletin's date
    late = add("dept", dt.date(2025, 2, 1), dt.date(2025, 2, 15), as_of + dt.timedelta(days=3), "basically_satisfied")
    add("dept", dt.date(2024, 11, 1), dt.date(2024, 12, 1), dt.date(2024, 12, 20), "satisfied")  # before the period
    add("dept", as_of + dt.timedelta(days=1), as_of + dt.timedelta(days=30))  # raised after the bulletin's date
    add("a", dt.date(2024, 12, 1), dt.date(2025, 3, 31), satisfaction="unsatisfied")  # carried over, not yet due
    block = services.snapshot_for(draft, detail=False)["liaison"]
    lines = {line["unit_code"]: line for line in block["lines"]}
    dept = lines["D01"]
    # The late one was closed out after the bulletin's date: open and overdue in it.
    assert (dept["received"], dept["closed"], dept["pending"], dept["overdue"]) == (3, 1, 2, 2)
    assert dept["closure_rate"] == "33.3" and dept["satisfaction_rate"] == "100.0"
    assert (lines["T01"]["received"], lines["T01"]["overdue"], lines["T01"]["satisfaction_rate"]) == (1, 0, "0.0")
    assert [line["unit_code"] for line in block["lines"]] == ["D01", "T01"]  # most overdue first
    assert block["totals"]["received"] == 4 and block["totals"]["overdue"] == 2
    # The same figures by the rules' Python forms, demand by demand.
    rows = [d for d in Demand.objects.all() if rules.raised_by(d, as_of)]
    assert sum(rules.overdue_on(d, as_of) for d in rows) == 2 and rules.overdue_on(late, as_of)
    for predicate, q in ((rules.overdue_on, rules.overdue_on_q), (rules.closed_by, rules.closed_by_q),
                         (rules.raised_by, rules.raised_by_q)):  # fmt: skip
        expected = {d.pk for d in Demand.objects.all() if predicate(d, as_of)}
        assert expected == set(Demand.objects.filter(q(as_of)).values_list("pk", flat=True)) and expected

    client.force_login(users["bureau"])
    page = client.get(reverse("bulletins:detail", args=[draft.pk])).content.decode()
    assert "市场主体包联走访诉求办理" in page and "有超期未销号诉求的单位：县发改局" in page
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(selectors.docx_bytes(draft))).paragraphs)
    assert "收集企业诉求4件，已销号1件，销号率25.0%；未销号3件，其中超过办理时限2件" in text
