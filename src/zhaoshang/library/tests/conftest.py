from decimal import Decimal

import pytest

from zhaoshang.core.history import as_user
from zhaoshang.library.choices import OpportunityStatus as S
from zhaoshang.library.models import Opportunity


@pytest.fixture
def opportunities(db, units, users):
    """A published one of township A, a proposal of A, a proposal of B and an in-talks one of B."""

    def make(unit, title, status, code=None, **extra):
        opportunity = Opportunity(
            unit=unit, title=title, status=status, code=code, industry="C", investment=Decimal("5000"), **extra
        )
        as_user(opportunity, users["bureau"]).save()
        return opportunity

    return {
        "a_published": make(units["a"], "甲镇已发布项目", S.PUBLISHED, "ZS2026-010", land_area=Decimal("50")),
        "a_proposal": make(units["a"], "甲镇提报项目", S.PROPOSED),
        "b_proposal": make(units["b"], "乙乡提报项目", S.PROPOSED),
        "b_talks": make(units["b"], "乙乡洽谈项目", S.IN_TALKS, "ZS2026-011", industry_chain="新材料"),
    }
