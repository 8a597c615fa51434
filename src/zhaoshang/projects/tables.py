import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.templatetags.money import percent, wan

from .models import Project


class MoneyColumn(tables.Column):
    attrs = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}

    def render(self, value):
        return wan(value)


class LedgerTable(tables.Table):
    code = tables.Column(linkify=True, attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column(linkify=True)
    investor = tables.Column(accessor="investor__name", verbose_name=_("investor"))
    units = tables.Column(empty_values=(), orderable=False, verbose_name=_("credited units"))
    stage = tables.Column()
    stage_date = tables.DateColumn(format="Y-m-d")
    planned_investment = MoneyColumn(verbose_name=_("planned (10k)"))
    contract_amount = MoneyColumn(verbose_name=_("contract (10k)"))
    funds_total = MoneyColumn(verbose_name=_("funds in place (10k)"))
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
        attrs = {"class": "table table-sm table-hover align-middle ledger-table"}
        order_by = "-id"
        empty_text = _("No projects match these filters.")

    def render_units(self, record):
        return "、".join(
            c.unit.name + (f" {percent(c.share)}%" if c.share != 100 else "") for c in record.credits.all()
        )

    def render_stage(self, record):
        badge = {"stalled": "warning", "dropped": "secondary"}.get(record.status)
        label = record.get_stage_display()
        if badge:
            return format_html('{} <span class="badge text-bg-{}">{}</span>', label, badge, record.get_status_display())
        return label
