from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import EventLevel

from .models import Event


class EventForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "level", "organiser", "unit", "starts_on", "ends_on", "place", "description"]
        widgets = {
            "starts_on": date_input(),
            "ends_on": date_input(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day of an event cannot be before its first day."))
        return data


class EventFilterForm(BootstrapForm, forms.Form):
    level = forms.ChoiceField(label=_("organiser level"), choices=[("", "—"), *EventLevel.choices], required=False)
    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "—"), *((year, str(year)) for year in years)]
