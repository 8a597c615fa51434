"""The form renderer writes select boxes, inputs and empty error lists in Python: the markup must be Django's own,
byte for byte."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import SafeString, mark_safe

from zhaoshang.core.renderers import FastSelectRenderer, render_select

TEMPLATES = DjangoTemplates()
FAST = FastSelectRenderer()


def compare_selects(form) -> int:
    """Render every widget and error list of the form both ways, assert they are equal; how many select boxes
    were compared (inputs and error lists are compared too)."""
    compared = 0
    for bound in form:
        widget = bound.field.widget
        attrs = bound.build_widget_attrs({})
        slow = widget.render(bound.html_name, bound.value(), attrs=attrs, renderer=TEMPLATES)
        fast = widget.render(bound.html_name, bound.value(), attrs=attrs, renderer=FAST)
        assert fast == slow, bound.name
        assert isinstance(fast, SafeString)  # as the templates' markup, never escaped again
        assert bound.errors.render(renderer=FAST) == bound.errors.render(renderer=TEMPLATES)
        if getattr(widget, "template_name", None) == "django/forms/widgets/select.html":
            compared += 1
    return compared


def test_the_project_uses_the_fast_renderer():
    assert isinstance(get_default_renderer(), FastSelectRenderer)


@pytest.mark.django_db
def test_ledger_filter_form_is_rendered_as_by_the_templates(units, users):
    from zhaoshang.projects.filtersets import LedgerFilterSet

    units["a"].name = "城关镇 <b>\"&'</b>"  # user-typed names are escaped the same way
    units["a"].save()
    for data in (None, {"unit": str(units["a"].pk), "stage": ["signed", "started"], "status": "active"}):
        filterset = LedgerFilterSet(data, queryset=None, user=users["bureau"])
        compared = compare_selects(filterset.form)
        # unit, category, stage, status, industry, kind, domestic/foreign, high-tech, ownership, event level, …
        assert compared >= 10
        html = str(filterset.form["unit"])
        assert "&lt;b&gt;&quot;&amp;&#x27;&lt;/b&gt;" in html and "<b>" not in html


@pytest.mark.django_db
def test_project_form_is_rendered_as_by_the_templates(make_project):
    from zhaoshang.projects.forms import ProjectForm

    project = make_project()
    assert compare_selects(ProjectForm(instance=project)) >= 3


class Odd(forms.Form):
    """Groups, boolean and safe attributes, a value that is safe HTML, a label that must be escaped."""

    grouped = forms.ChoiceField(
        choices=[("", "—"), ("东部", [("a", "A & B"), ("b", "<i>b</i>")]), ("c", mark_safe("<em>c</em>"))],
        widget=forms.Select(attrs={"required": True, "disabled": False, "data-x": '"quoted"'}),
    )
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (mark_safe("a&amp;b"), "三")])
    yes_no = forms.NullBooleanField()


def test_groups_attributes_and_escaping_match_the_templates():
    form = Odd({"grouped": "b", "many": ["1", "2"], "yes_no": "true"})
    assert compare_selects(form) == 3
    html = render_select(form["grouped"].field.widget.get_context("grouped", "b", {"id": "x"})["widget"])
    assert '<optgroup label="东部">' in html and "&lt;i&gt;b&lt;/i&gt;" in html and "<em>c</em>" in html


class Inputs(forms.Form):
    text = forms.CharField(max_length=5, widget=forms.TextInput(attrs={"placeholder": '<"x">', "autofocus": True}))
    amount = forms.DecimalField(min_value=0)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    ticked = forms.BooleanField(required=False)


def test_inputs_and_error_lists_match_the_templates():
    for data in (None, {"text": "太长的一段文字<b>", "amount": "-1", "day": "x", "hidden": '"&', "ticked": "on"}):
        form = Inputs(data)
        form.is_valid()
        compare_selects(form)
    assert form.errors["text"] and "&lt;b&gt;" in str(form["text"])


def test_labels_that_would_be_localized_are_left_to_the_templates():
    widget = forms.Select(choices=[(1, 1000)])
    assert render_select(widget.get_context("n", 1, {})["widget"]) is None
    assert widget.render("n", 1, renderer=FAST) == widget.render("n", 1, renderer=TEMPLATES)


@pytest.mark.django_db
def test_cached_unit_options_are_those_of_the_query_and_follow_a_rename(units, users):
    from zhaoshang.projects.filtersets import LedgerFilterSet

    def options(user):
        field = LedgerFilterSet(None, queryset=None, user=user).form.fields["unit"]
        return list(field.widget.choices), [(str(v), str(label)) for v, label in field.choices]

    for user in (users["bureau"], users["reporter_a"]):
        cached, queried = options(user)
        assert cached == queried and len(cached) > 1
    assert options(users["bureau"])[0] != options(users["reporter_a"])[0]  # each viewer their own units
    units["b"].name = "河口镇"
    units["b"].save()  # writes a history row: the data revision moves
    cached, queried = options(users["bureau"])
    assert cached == queried and (str(units["b"].pk), "河口镇") in cached
