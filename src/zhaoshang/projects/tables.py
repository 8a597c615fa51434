import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Project


class LedgerTable(tables.Table):
    """The ledger's columns, their order and sorting; ledger.html writes the cells itself (it is faster)."""

    code = tables.Column()
    name = tables.Column()
    investor = tables.Column(accessor="investor__name", verbose_name=_("investor"))
    units = tables.Column(empty_values=(), orderable=False, verbose_name=_("credited units"))
    stage = tables.Column()
    stage_date = tables.Column()
    planned_investment = tables.Column(verbose_name=_("planned (10k)"))
    contract_amount = tables.Column(verbose_name=_("contract (10k)"))
    funds_total = tables.Column(verbose_name=_("funds in place (10k)"), order_by=("funds_shown",))
    county_leader = tables.Column()

    class Meta:
        model = Project
        fields = (
            "code",
            "name",
            "investor",
            "units",
            "stage",
            "stage_date",
            "planned_investment",
            "contract_amount",
            "funds_total",
            "county_leader",
        )
        order_by = "-id"
