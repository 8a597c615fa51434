from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.forms import BootstrapForm, date_input
from zhaoshang.organization.models import Unit

from . import credit_code, rules
from .choices import AttachmentKind, Currency, Stage, Status, division_error
from .models import Investor, Project
from .services import credit_errors, introducer_errors, receipt_currency_errors


class ProjectForm(BootstrapForm, forms.ModelForm):
    investor_name = forms.CharField(
        label=_("investor"),
        max_length=200,
        required=False,
        help_text=_("An investor already in the register is used as registered; the bureau corrects the register."),
    )
    investor_origin = forms.CharField(label=_("origin region or country"), max_length=100, required=False)
    investor_credit_code = forms.CharField(
        label=_("unified social credit code"),
        max_length=40,
        required=False,
        help_text=_(
            "18 characters (统一社会信用代码); an investor registered with this code is used whatever the name."
        ),
    )
    # The project as loaded, signed (core.optimistic): a save over someone else's later change is refused.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "contact_person",
            "contact_phone",
            "capital_type",
            "currency",
            "exchange_rate",
            "foreign_investment",
            "industry",
            "industry_division",
            "industry_chain",
            "kind",
            "high_tech",
            "government_funded",
            "local_relocation",
            "second_phase",
            "ownership",
            "company_registered_on",
            "land_paid_on",
            "event",
            "signing_event",
            "signing_event_level",
            "planned_investment",
            "contract_amount",
            "registered_capital",
            "land_area",
            "location",
            "latitude",
            "longitude",
            "introducer",
            "county_leader",
            "responsible_unit",
            "stewards",
            "work_team",
            "remarks",
            "progress_note",
            "progress_note_on",
        ]
        widgets = {
            "remarks": forms.Textarea(attrs={"rows": 3}),
            "progress_note": forms.Textarea(attrs={"rows": 3}),
            "progress_note_on": date_input(),
            "company_registered_on": date_input(),
            "land_paid_on": date_input(),
        }

    field_order = [
        "code",
        "name",
        "investor_name",
        "investor_origin",
        "investor_credit_code",
        "contact_person",
        "contact_phone",
        "capital_type",
        "currency",
        "exchange_rate",
        "foreign_investment",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        for name in ("currency", "exchange_rate", "foreign_investment"):
            self.fields[name].widget.attrs["data-foreign-only"] = "1"
        self.fields["responsible_unit"].queryset = Unit.objects.filter(active=True).order_by("code")
        investor = self.instance.investor if self.instance.pk else None
        if investor:
            # Name and origin only: the register holds no contacts (those are this project's own fields).
            self.initial.update(
                investor_name=investor.name,
                investor_origin=investor.origin,
                investor_credit_code=investor.credit_code or "",
            )
        for name in ("planned_investment", "contract_amount", "registered_capital", "foreign_investment"):
            self.fields[name].widget.attrs.update(min="0", step="0.01")
        # The register of events (a lazy FK: the ledger does not import that app), newest first. With an event the
        # signing event and its level are its copies (``Project.save``), not typed.
        self.fields["event"].queryset = self.fields["event"].queryset.order_by("-starts_on", "-pk")
        self.fields["event"].help_text = _("Its name and level become the signing event and its level.")
        if self.instance.event_id:
            for name in ("signing_event", "signing_event_level"):
                self.fields[name].disabled = True

    def clean_investor_credit_code(self):
        return clean_credit_code(self.cleaned_data.get("investor_credit_code"))

    # Shown under their own heading: what the conditions of a county's scoring scheme read (issue 13).
    SIGNING_FIELDS = (
        "ownership",
        "event",
        "signing_event",
        "signing_event_level",
        "company_registered_on",
        "land_paid_on",
    )

    def main_fields(self) -> list:
        return [field for field in self.visible_fields() if field.name not in self.SIGNING_FIELDS]

    def signing_fields(self) -> list:
        return [self[name] for name in self.SIGNING_FIELDS]

    def clean(self):
        data = super().clean()
        if data.get("capital_type") == "foreign" and data.get("currency") != "CNY" and not data.get("exchange_rate"):
            self.add_error("exchange_rate", _("Foreign capital in another currency needs the exchange rate used."))
        problem = division_error(data.get("industry") or "", data.get("industry_division") or "")
        if problem:
            self.add_error("industry_division", problem)
        return data


class CreditForm(BootstrapForm, forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)
    share = forms.DecimalField(
        label=_("share (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(active=True).order_by("code")


class BaseCreditFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        pairs = self.credits()
        errors = credit_errors(pairs)
        if errors:
            raise forms.ValidationError(errors)

    def credits(self) -> list[tuple[Unit, Decimal]]:
        pairs = []
        for form in self.forms:
            unit = form.cleaned_data.get("unit")
            if unit is None:
                continue
            share = form.cleaned_data.get("share")
            pairs.append((unit, share if share is not None else Decimal("100")))
        return pairs


CreditFormSet = formset_factory(CreditForm, formset=BaseCreditFormSet, extra=0, min_num=1, max_num=10)


def _persons():
    """The register's active persons of every unit (``zhaoshang.persons``, reached through the project's field so
    that the ledger does not import that app): an introducer, leader or steward may belong to any unit."""
    person = Project._meta.get_field("leader").related_model
    return person.objects.filter(active=True).select_related("unit").order_by("name", "unit__code")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.unit.name}）{obj.post}"


class PersonsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.unit.name}）{obj.post}"


class ProjectPersonsForm(BootstrapForm, forms.Form):
    """The project's county leader, stewards and work team from the register (the free-text fields stay)."""

    persons_shown = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)
    leader = PersonChoice(label=_("county leader (register)"), queryset=Project.objects.none(), required=False)
    stewards = PersonsChoice(label=_("stewards (register)"), queryset=Project.objects.none(), required=False)
    team = PersonsChoice(label=_("work team (register)"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("leader", "stewards", "team"):
            self.fields[name].queryset = _persons()
            self.fields[name].widget.attrs["data-searchable"] = "1"
        for name in ("stewards", "team"):
            self.fields[name].widget.attrs["size"] = "5"


class IntroducerForm(BootstrapForm, forms.Form):
    person = PersonChoice(label=_("introducer"), queryset=Project.objects.none(), required=False)
    share = forms.DecimalField(
        label=_("share (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _persons()
        self.fields["person"].widget.attrs["data-searchable"] = "1"


class BaseIntroducerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        errors = introducer_errors(self.introducers())
        if errors:
            raise forms.ValidationError(errors)

    def introducers(self) -> list:
        """(person, share) pairs; one introducer without a share has all of it."""
        pairs = [
            (form.cleaned_data["person"], form.cleaned_data.get("share"))
            for form in self.forms
            if form.cleaned_data.get("person") is not None
        ]
        if len(pairs) == 1 and pairs[0][1] is None:
            pairs = [(pairs[0][0], Decimal("100"))]
        return pairs


IntroducerFormSet = formset_factory(IntroducerForm, formset=BaseIntroducerFormSet, extra=1, max_num=10)


class EvidenceMixin(BootstrapForm, forms.Form):
    evidence = forms.FileField(label=_("evidence file"), required=False)
    evidence_kind = forms.ChoiceField(
        label=_("kind of evidence"), choices=AttachmentKind.choices, initial=AttachmentKind.OTHER, required=False
    )


class StageForm(EvidenceMixin):
    stage = forms.ChoiceField(label=_("stage"), choices=Stage.choices)
    date = forms.DateField(label=_("date"), widget=date_input())
    amount = forms.DecimalField(
        label=_("contract amount (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        required=False,
        min_value=Decimal("0"),
        help_text=_("Required when the project is signed."),
    )
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    field_order = ["stage", "date", "amount", "note", "evidence", "evidence_kind"]


class StatusForm(BootstrapForm, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=Status.choices)
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)
    date = forms.DateField(label=_("date"), widget=date_input(), required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class ReceiptFields(forms.Form):
    """A receipt's own fields: its 10k-yuan amount, or (in another currency) the original amount and the rate used,
    from which the amount is worked out (``rules.receipt_amount``)."""

    date = forms.DateField(label=_("date received"), widget=date_input())
    amount = forms.DecimalField(
        label=_("amount (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Left empty for a receipt in another currency: worked out from the original amount and rate."),
    )
    # Not required: a post without it (older pages, scripts) is a receipt in yuan.
    currency = forms.ChoiceField(label=_("currency"), choices=Currency.choices, initial=Currency.CNY, required=False)
    original_amount = forms.DecimalField(
        label=_("original amount (in the currency)"),
        max_digits=16,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    exchange_rate = forms.DecimalField(
        label=_("exchange rate to CNY"), max_digits=12, decimal_places=6, min_value=Decimal("0.000001"), required=False
    )
    source = forms.CharField(label=_("source of funds"), max_length=200, required=False)
    voucher_no = forms.CharField(label=_("voucher number"), max_length=100, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("original_amount", "exchange_rate"):  # hidden for yuan (templates/projects/receipt_currency.html)
            self.fields[name].widget.attrs["data-currency-only"] = "1"

    def clean(self):
        data = super().clean()
        currency = data["currency"] = data.get("currency") or Currency.CNY
        original, rate = data.get("original_amount"), data.get("exchange_rate")
        if currency == Currency.CNY:
            data["original_amount"] = data["exchange_rate"] = None
        else:
            for message in receipt_currency_errors(currency, original, rate):
                self.add_error("exchange_rate", message)
        computed = rules.receipt_amount(currency, data.get("original_amount"), data.get("exchange_rate"), None)
        if computed is not None:
            data["amount"] = computed
        elif data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", self.fields["amount"].error_messages["required"])
        return data


class ReceiptForm(EvidenceMixin, ReceiptFields):
    field_order = [
        "date",
        "amount",
        "currency",
        "original_amount",
        "exchange_rate",
        "source",
        "voucher_no",
        "note",
        "evidence",
        "evidence_kind",
    ]


class ReceiptEditForm(BootstrapForm, ReceiptFields):
    """Correct a recorded receipt (bureau or the project's responsible unit)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)


class AttachmentForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("file"))
    kind = forms.ChoiceField(label=_("kind"), choices=AttachmentKind.choices, initial=AttachmentKind.OTHER)
    # The stage event or receipt the file evidences (the project page's "attach" next to each of them).
    stage_event = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    receipt = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


def clean_credit_code(value: str | None) -> str:
    """A typed credit code normalised (full-width, lower case, spaces) and checked: "" when none."""
    code = credit_code.normalise(value)
    if code:
        credit_code.validate_credit_code(code)
    return code


class InvestorForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = Investor
        fields = ["name", "kind", "origin", "credit_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].max_length = 40
        self.fields["credit_code"].widget.attrs["maxlength"] = "40"
        self.fields["credit_code"].validators = []

    def clean_credit_code(self):
        return clean_credit_code(self.cleaned_data.get("credit_code")) or None


class MissingEvidenceForm(BootstrapForm, forms.Form):
    """The dates (a period's, from the assessment's link, or the year so far) and a unit the user may see."""

    start = forms.DateField(label=_("from"), widget=date_input())
    end = forms.DateField(label=_("to"), widget=date_input())
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
