from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import Stage

from .models import Milestone, MilestoneKind
from .rules import LINKABLE_STAGES


class KindForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = MilestoneKind
        fields = ["name", "order", "stage", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"] = forms.ChoiceField(
            label=MilestoneKind._meta.get_field("stage").verbose_name,
            choices=[("", "—"), *[(value, Stage(value).label) for value in LINKABLE_STAGES]],
            required=False,
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["order"].max_value = 32767
        self.fields["order"].widget.attrs["max"] = 32767

    def clean_stage(self):
        return self.cleaned_data.get("stage") or None


class PlanRowForm(BootstrapForm, forms.Form):
    """One row of a project's plan (prefixed by the kind's id)."""

    planned_on = forms.DateField(label=_("planned date"), required=False, widget=date_input())
    actual_on = forms.DateField(label=_("actual date"), required=False, widget=date_input())
    evidence = forms.ModelChoiceField(label=_("evidence"), queryset=None, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = project.attachments.order_by("-uploaded_at", "-pk")


def plan_initial(milestone: Milestone, actual) -> dict:
    return {
        "planned_on": milestone.planned_on,
        "actual_on": actual,
        "evidence": milestone.evidence_id,
        "note": milestone.note,
    }


class ListFilterForm(BootstrapForm, forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, bureau: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if bureau:
            self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")
        else:
            del self.fields["unit"]


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
