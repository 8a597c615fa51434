from __future__ import annotations

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core import clock
from zhaoshang.core.forms import bootstrap
from zhaoshang.organization.models import Unit

from .choices import ItemStatus, ReportStatus
from .models import CoordinationItem, ProgressReport
from .selectors import department_choices, overdue_q


class ItemFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("status"), choices=ItemStatus.choices)
    department = filters.ModelChoiceFilter(label=_("responsible department"), queryset=Unit.objects.none())
    overdue = filters.BooleanFilter(label=_("overdue only"), method="filter_overdue", widget=forms.CheckboxInput)

    class Meta:
        model = CoordinationItem
        fields = ["status", "department", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["department"].queryset = department_choices()
        bootstrap(self.form)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q(clock.today())) if value else queryset


class RoundReportFilterSet(filters.FilterSet):
    """The reports of one round on its board: by unit and status."""

    unit = filters.ModelChoiceFilter(label=_("unit"), queryset=Unit.objects.none())
    status = filters.ChoiceFilter(label=_("status"), choices=ReportStatus.choices)

    class Meta:
        model = ProgressReport
        fields = ["unit", "status"]

    def __init__(self, *args, unit_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(pk__in=unit_ids or []).order_by("code")
        self.filters["unit"].queryset = units
        bootstrap(self.form)
