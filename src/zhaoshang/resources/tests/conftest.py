from decimal import Decimal

import pytest

from zhaoshang.core.history import as_user
from zhaoshang.resources.models import Factory, LandParcel


@pytest.fixture
def parcels(db, units, users):
    """Parcels of township A and B: the question "over 50 亩, available, industrial" is answered by a_80 and b_300."""

    def make(unit, number, area, use="industrial", status="available", **extra):
        parcel = LandParcel(
            unit=unit, number=number, name=f"地块{number}", area_mu=Decimal(area), land_use=use, status=status, **extra
        )
        as_user(parcel, users["bureau"]).save()
        return parcel

    return {
        "a_80": make(units["a"], "A-01", "80", price=Decimal("18")),
        "a_45": make(units["a"], "A-02", "45"),
        "a_120_commercial": make(units["a"], "A-03", "120", use="commercial"),
        "a_60_reserved": make(units["a"], "A-04", "60", status="reserved"),
        "b_300": make(units["b"], "B-01", "300", price=Decimal("12")),
        "b_50_mixed": make(units["b"], "B-02", "50", use="mixed"),
    }


@pytest.fixture
def factory_a(db, units, users):
    factory = Factory(unit=units["a"], name="甲镇标准化厂房", floor_area_m2=Decimal("40000"), floors=1)
    as_user(factory, users["bureau"]).save()
    return factory
