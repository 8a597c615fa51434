from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zhaoshang.core.forms import bootstrap, cache_choices, date_input
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.organization.selectors import subtree_ids

from . import rules
from .choices import CapitalType, EventLevel, Industry, Kind, Ownership, Stage, Status
from .models import FundsReceipt, Project, StewardRule

# The value that selects projects where a text field (industry, chain, investor origin) is not filled in,
# so that a dashboard's "not set" slice has a ledger address too.
NOT_SET = "-"
MISSING_STEWARD, MISSING_LEADER = "steward", "leader"
MISSING_CHOICES = [(MISSING_STEWARD, _("steward")), (MISSING_LEADER, _("county leader"))]


@extend_schema_field(OpenApiTypes.INT)
class UnitFilter(filters.ModelChoiceFilter):
    """A unit chosen by its id (typed for the API schema, whose guess would otherwise be a string)."""


class LedgerFilterSet(filters.FilterSet):
    """The ledger's filters. Their query string is the ledger's address for any subset of projects, so the
    dashboard and bulletins link here to show the rows behind a figure."""

    q = filters.CharFilter(label=_("search"), method="filter_text")
    unit = UnitFilter(label=_("unit (with its sub-units)"), queryset=Unit.objects.none(), method="filter_unit")
    category = filters.ChoiceFilter(label=_("unit category"), choices=Category.choices, method="filter_category")
    # distinct=False: the stage is a column of the project itself, so no row can repeat; django-filter's
    # default SELECT DISTINCT made the totals and the count scan every column (bench: 330 + 500 ms on PG).
    stage = filters.MultipleChoiceFilter(
        label=_("stage"), choices=Stage.choices, distinct=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    status = filters.ChoiceFilter(label=_("status"), choices=Status.choices)
    industry = filters.ChoiceFilter(
        label=_("industry"), choices=[*Industry.choices, (NOT_SET, _("(not set)"))], method="filter_industry"
    )
    chain = filters.CharFilter(label=_("industry chain"), method="filter_chain")
    origin = filters.CharFilter(label=_("investor origin"), method="filter_origin")
    kind = filters.ChoiceFilter(label=_("project kind"), choices=Kind.choices)
    capital_type = filters.ChoiceFilter(label=_("domestic or foreign"), choices=CapitalType.choices)
    # A blank first choice (not django-filter's "Unknown"): the filter is off until yes or no is chosen.
    high_tech = filters.BooleanFilter(
        label=_("high-tech"), widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))])
    )
    ownership = filters.ChoiceFilter(
        label=_("ownership"), choices=[*Ownership.choices, (NOT_SET, _("(not set)"))], method="filter_ownership"
    )
    # Signed at a promotion event of this level or higher (``rules.signed_at_event``): the scheme conditions' rule.
    event_level = filters.ChoiceFilter(
        label=_("signing event of level at least"), choices=EventLevel.choices, method="filter_event_level"
    )
    county_leader = filters.CharFilter(label=_("county leader"), lookup_expr="icontains")
    # The register's county leader (a person's id): a leader's home links here.
    leader = filters.NumberFilter(
        label=Project._meta.get_field("leader").verbose_name, field_name="leader_id", widget=forms.HiddenInput
    )
    # 项目保姆: projects missing their steward (below the threshold) or county leader (at or above it).
    missing = filters.ChoiceFilter(
        label=_("missing steward or leader"), choices=MISSING_CHOICES, method="filter_missing"
    )
    planned_min = filters.NumberFilter(
        label=_("planned investment from"), field_name="planned_investment", lookup_expr="gte"
    )
    planned_max = filters.NumberFilter(
        label=_("planned investment to"), field_name="planned_investment", lookup_expr="lte"
    )
    contract_min = filters.NumberFilter(
        label=_("contract amount from"), field_name="contract_amount", lookup_expr="gte"
    )
    contract_max = filters.NumberFilter(label=_("contract amount to"), field_name="contract_amount", lookup_expr="lte")
    funds_min = filters.NumberFilter(label=_("funds in place from"), field_name="funds_total", lookup_expr="gte")
    funds_max = filters.NumberFilter(label=_("funds in place to"), field_name="funds_total", lookup_expr="lte")
    reached = filters.ChoiceFilter(label=_("reached stage"), choices=Stage.choices, method="filter_reached")
    date_from = filters.DateFilter(label=_("date from"), method="filter_noop", widget=date_input())
    date_to = filters.DateFilter(label=_("date to"), method="filter_noop", widget=date_input())
    received_from = filters.DateFilter(label=_("funds received from"), method="filter_noop", widget=date_input())
    received_to = filters.DateFilter(label=_("funds received to"), method="filter_noop", widget=date_input())

    # Shown at once; the others sit under "more filters", opened when one of them is in use.
    primary = ("q", "unit", "category", "stage", "status", "industry")

    class Meta:
        model = Project
        fields: list[str] = []

    @property
    def more_in_use(self) -> bool:
        data = self.data or {}
        return any(data.get(name) for name in self.filters if name not in self.primary)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(active=True)
        if user is not None:
            units = units.restrict(user, "view")
        self.filters["unit"].queryset = units.order_by("code")
        bootstrap(self.form)
        viewer = "none" if user is None else access.visibility_key(user)
        cache_choices(self.form.fields["unit"], "ledger-unit", [viewer], app_labels=("organization",))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(investor__name__icontains=value))

    def filter_unit(self, queryset, name, value):
        if not value:
            return queryset
        if value.parent_id is None:  # the county itself: most of the ledger, read in one pass
            return queryset.filter(Project.unit_scope_q(subtree_ids(value.pk)))
        # A township, a department...: fetch only its projects rather than probing every project (issue 16).
        return queryset.filter(Project.unit_scope_filter(subtree_ids(value.pk)))

    def filter_category(self, queryset, name, value):
        # A category's units with the sections below them, as the roll-up counts them (``rules.rolled_up``).
        ids = Unit.objects.filter(category=value).values_list("pk", flat=True)
        if value != Category.JURISDICTION:
            ids = subtree_ids(ids)
        return queryset.filter(Project.unit_scope_q(ids))

    def filter_missing(self, queryset, name, value):
        threshold = StewardRule.load().threshold
        if value == MISSING_STEWARD:
            return queryset.filter(rules.missing_steward_q(threshold))
        if value == MISSING_LEADER:
            return queryset.filter(rules.missing_leader_q(threshold))
        return queryset

    def filter_industry(self, queryset, name, value):
        return queryset.filter(industry="" if value == NOT_SET else value)

    def filter_ownership(self, queryset, name, value):
        return queryset.filter(ownership="" if value == NOT_SET else value)

    def filter_event_level(self, queryset, name, value):
        return queryset.filter(rules.signed_at_event_q(value)) if value else queryset

    def filter_chain(self, queryset, name, value):
        """An industry chain: its own value or any of its links ("新能源" matches "新能源·电池")."""
        value = value.strip()
        if not value:
            return queryset
        if value == NOT_SET:
            return queryset.filter(industry_chain="")
        return queryset.filter(rules.on_chain_q(value))

    def filter_origin(self, queryset, name, value):
        value = value.strip()
        if value == NOT_SET:
            return queryset.filter(Q(investor__isnull=True) | Q(investor__origin=""))
        return queryset.filter(investor__origin=value) if value else queryset

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together with "reached" in filter_queryset

    def filter_reached(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which sees the date range too

    def received_window(self) -> tuple | None:
        """The dates of the "funds received" filter, when one is given and the filters are valid."""
        if not self.is_bound or not self.is_valid():
            return None
        start, end = self.form.cleaned_data.get("received_from"), self.form.cleaned_data.get("received_to")
        return (start, end) if start or end else None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        start, end, reached = data.get("date_from"), data.get("date_to"), data.get("reached")
        if reached:
            # Projects that reached the stage within the dates (inclusive), whatever their stage now: the
            # assessment's rule (``projects.rules``).
            queryset = queryset.filter(rules.reached_within_q(reached, start, end))
        else:
            if start:
                queryset = queryset.filter(stage_date__gte=start)
            if end:
                queryset = queryset.filter(stage_date__lte=end)
        received_from, received_to = data.get("received_from"), data.get("received_to")
        if received_from or received_to:
            # Projects with funds received within the dates (inclusive).
            receipts = FundsReceipt.objects.order_by().filter(rules.received_within_q(received_from, received_to))
            queryset = queryset.filter(pk__in=receipts.values("project_id"))
        return queryset
