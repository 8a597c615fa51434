from __future__ import annotations

import pytest

from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import FundsReceipt, Investor, Project, ProjectCredit, StageEvent
from zhaoshang.targets.models import CountyTarget, Indicator, Period, TargetGroup

MODELS = (Unit, Investor, Project, ProjectCredit, StageEvent, FundsReceipt)  # the ledger
TARGET_MODELS = (Period, TargetGroup, Indicator, CountyTarget)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    """Files the import keeps (staged uploads, jobs' files under DATA_DIR/jobs/) go to the test's own folder."""
    settings.DATA_DIR = tmp_path


def snapshot() -> dict[str, int]:
    """Row counts of every table an import writes, history tables included."""
    counts = {}
    for model in (*MODELS, *TARGET_MODELS):
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


@pytest.fixture
def counts():
    return snapshot
