from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, cache_choices, date_input
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.targets.models import Period


class DashboardForm(BootstrapForm, forms.Form):
    """The dashboard's pickers. Every field is optional: what is left out takes its default."""

    period = forms.ModelChoiceField(label=_("period"), queryset=Period.objects.none(), required=False)
    as_of = forms.DateField(label=_("as of"), widget=date_input(), required=False)
    unit = forms.ModelChoiceField(
        label=_("unit"), queryset=Unit.objects.none(), required=False, empty_label=_("(whole county)")
    )
    big = forms.DecimalField(
        label=_("big projects from (10k yuan)"), min_value=0, max_digits=16, decimal_places=2, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.order_by("-start", "-end")
        self.fields["period"].empty_label = None
        self.fields["unit"].queryset = Unit.objects.restrict(user, "view").filter(active=True).order_by("code")
        if not access.reads_everything(user):
            self.fields["unit"].empty_label = _("(my units)")
        viewer = access.visibility_key(user)
        cache_choices(self.fields["unit"], "dashboard-unit", [viewer], app_labels=("organization",))
