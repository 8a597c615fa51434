from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from . import limits, revision


def date_input() -> forms.DateInput:
    """An HTML date picker. The value must be ISO: the browser rejects the zh-hans format 2026/11/22."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget Bootstrap's class, so templates can render fields plainly."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
        _choose_label(field)
    return form


BLANK_DASH = "---------"  # Django's empty choice label (BLANK_CHOICE_DASH), not translatable


def _choose_label(field: forms.Field) -> None:
    """ "请选择" instead of Django's "---------" as the empty choice of a select (issue 12)."""
    if isinstance(field, forms.ModelChoiceField) and field.empty_label == BLANK_DASH:
        field.empty_label = _("Choose…")
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)
        if any(value == "" and label == BLANK_DASH for value, label in choices):
            field.choices = [
                (value, _("Choose…") if value == "" and label == BLANK_DASH else label) for value, label in choices
            ]


class _CachedChoices(BaseChoiceIterator):
    """A select box's options read from the cache when the box is first drawn (a form built and not shown, as
    the dashboard's first form of defaults, costs nothing)."""

    def __init__(self, field: forms.ModelChoiceField, name: str, parts: list, app_labels: tuple[str, ...]):
        self.field, self.name, self.parts, self.app_labels = field, name, parts, app_labels
        self.options: list | None = None

    def __iter__(self):
        if self.options is None:
            empty = self.field.empty_label
            self.options = revision.cached(
                f"choices:{self.name}",
                [*self.parts, "" if empty is None else str(empty)],
                lambda: [(str(value), str(text)) for value, text in self.field.choices],
                app_labels=self.app_labels,
            )
        return iter(self.options)


def cache_choices(field: forms.ModelChoiceField, name: str, parts: list, *, app_labels: tuple[str, ...]) -> None:
    """Give the select box of a model choice field its options from the cache, kept until the data of
    ``app_labels`` changes (``core.revision``): a list of every unit read and turned into objects on every
    request cost the ledger's filter about 5 ms at 300 units. ``parts`` says whose options they are (the rows the
    field's queryset lets this user choose). Only the drawing changes: a submitted choice is still checked
    against the field's queryset. Call it after the field's queryset and empty label are set."""
    field.widget.choices = _CachedChoices(field, name, parts, app_labels)


def _no_control(multiline: bool):
    def validate(value):
        if isinstance(value, str) and limits.has_control(value, multiline=multiline):
            raise ValidationError(_("Control characters are not allowed."), code="control")

    return validate


def _bounded(maximum, negative: bool):
    def validate(value):
        reason = limits.amount_error(value, maximum=maximum, negative=negative)
        if reason:
            raise ValidationError(reason, code="bounds")

    return validate


def _in_date_range(value):
    if value is not None and not limits.MIN_DATE <= value <= limits.MAX_DATE:
        raise ValidationError(
            _("The date %(value)s is outside %(min)s … %(max)s.")
            % {"value": value, "min": limits.MIN_DATE, "max": limits.MAX_DATE},
            code="bounds",
        )


def bound(form: forms.BaseForm) -> forms.BaseForm:
    """The entry bounds of ``core.limits`` on every field of ``form`` (issue 11): a decimal is not negative and
    not above its maximum (``limits.maximum_for`` its name; a field's own tighter ``max_value`` stays), a text
    holds no control characters (a multi-line text may hold line breaks and tabs)."""
    for name, field in form.fields.items():
        if isinstance(field, forms.DecimalField):
            maximum = limits.maximum_for(name)
            if field.max_value is not None and field.max_value < maximum:
                maximum = field.max_value
            field.validators.append(_bounded(maximum, negative=name in limits.MAY_BE_NEGATIVE))
        elif isinstance(field, forms.DateField):
            field.validators.append(_in_date_range)
        elif isinstance(field, forms.CharField):
            field.validators.append(_no_control(isinstance(field.widget, forms.Textarea)))
    return form


class BootstrapForm:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        bound(self)
