from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects.choices import Industry

from .choices import LeadSource, LeadStatus
from .models import Channel, Lead

LEAD_FORM_FIELDS = [
    "company",
    "contact_name",
    "contact_phone",
    "industry",
    "estimated_amount",
    "channel",
    "introducer_name",
    "introducer",
    "event",
    "received_on",
    "description",
]


def _units():
    return Unit.objects.filter(active=True).order_by("code")


def _owners():
    return User.objects.filter(is_active=True).filter(access.reporters_q() | access.bureau_q()).order_by("username")


class LeadForm(BootstrapForm, forms.ModelForm):
    """A lead entered by staff; the bureau may assign it at once (unit, owner, first follow-up date)."""

    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.none(), required=False)
    follow_up_on = forms.DateField(label=_("next follow-up due"), required=False, widget=date_input())

    class Meta:
        model = Lead
        fields = LEAD_FORM_FIELDS
        widgets = {"received_on": date_input(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, assign=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(active=True)
        persons = self.fields["introducer"].queryset.model.objects
        persons = persons.restrict(user) if user is not None else persons.none()
        self.fields["introducer"].queryset = (
            persons.filter(active=True).select_related("unit").order_by("unit__code", "name")
        )
        self.fields["event"].queryset = self.fields["event"].queryset.order_by("-starts_on")
        if assign:
            self.fields["unit"].queryset = _units()
            self.fields["owner"].queryset = _owners()
        else:
            for name in ("unit", "owner", "follow_up_on"):
                del self.fields[name]


class IntakeForm(BootstrapForm, forms.ModelForm):
    """The public intake page: short, for a phone."""

    class Meta:
        model = Lead
        fields = [
            "company",
            "contact_name",
            "contact_phone",
            "industry",
            "estimated_amount",
            "channel",
            "introducer_name",
            "description",
        ]
        labels = {
            "company": _("Company or investor"),
            "contact_name": _("Your name"),
            "contact_phone": _("Your phone"),
            "introducer_name": _("Who brought it (if not you)"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(active=True)
        for name in ("contact_name", "contact_phone"):
            self.fields[name].required = True


class AssignForm(BootstrapForm, forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none())
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.none())
    follow_up_on = forms.DateField(label=_("next follow-up due"), widget=date_input())

    def __init__(self, *args, user=None, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units()
        owners = _owners()
        if user is not None and not access.edits_everything(user):
            units = units.filter(pk=lead.unit_id)
            owners = owners.filter(unit_id__in=access.unit_ids(user))
        self.fields["unit"].queryset = units
        self.fields["owner"].queryset = owners


class FollowUpForm(BootstrapForm, forms.Form):
    date = forms.DateField(label=_("date"), widget=date_input())
    note = forms.CharField(label=_("what happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    next_follow_up_on = forms.DateField(label=_("next follow-up due"), required=False, widget=date_input())


class CloseForm(BootstrapForm, forms.Form):
    reason = forms.CharField(label=_("reason closed"), max_length=500)


class MergeForm(BootstrapForm, forms.Form):
    into = forms.ModelChoiceField(label=_("merge into lead"), queryset=Lead.objects.none())

    def __init__(self, *args, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import OPEN_STATUSES

        self.fields["into"].queryset = Lead.objects.filter(status__in=OPEN_STATUSES).exclude(pk=lead.pk)


class ConvertForm(BootstrapForm, forms.Form):
    code = forms.CharField(label=_("project code"), max_length=40)
    name = forms.CharField(label=_("project name"), max_length=200)
    industry = forms.ChoiceField(label=_("industry"), choices=[("", "---------"), *Industry.choices], required=False)
    planned_investment = forms.DecimalField(
        label=_("planned investment (10k yuan)"), min_value=0, max_digits=16, decimal_places=2
    )


class ChannelForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Channel
        fields = ["name", "order", "active"]


STATUS_FILTERS = [
    ("", _("All but merged")),
    ("open", _("Open")),
    ("overdue", _("Follow-up overdue")),
    *LeadStatus.choices,
]


class LeadFilterForm(BootstrapForm, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("status"), choices=STATUS_FILTERS, required=False)
    unit = forms.CharField(label=_("unit"), required=False, widget=forms.Select())
    channel = forms.CharField(label=_("channel"), required=False, widget=forms.Select())
    source = forms.ChoiceField(label=_("source"), choices=[("", "---------"), *LeadSource.choices], required=False)
    year = forms.IntegerField(label=_("year received"), required=False, min_value=2000, max_value=2100)
    mine = forms.BooleanField(label=_("Mine only"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units()
        if user is not None and not access.reads_everything(user):
            units = units.filter(pk__in=access.unit_ids(user))
        unit_choices = [("", _("Choose…")), ("none", _("Not assigned")), *((str(u.pk), u.name) for u in units)]
        self.fields["unit"].widget.choices = unit_choices
        channels = [(str(c.pk), c.name) for c in Channel.objects.all()]
        channels = [("", _("Choose…")), ("none", _("No channel")), *channels]
        self.fields["channel"].widget.choices = channels

    def clean_unit(self):
        return _id_or_none(self.cleaned_data["unit"])

    def clean_channel(self):
        return _id_or_none(self.cleaned_data["channel"])


def _id_or_none(value: str):
    """ "" (any), "none" (none) or an id; anything else is refused."""
    if value in ("", "none"):
        return value
    if value.isdigit() and len(value) < 10:
        return int(value)
    raise forms.ValidationError(_("Choose from the list."))
