"""The form renderer (settings ``FORM_RENDERER``): Django's, but ``<select>`` boxes and ``<input>`` fields are
written in Python.

Django renders a select box through a template per option (``select_option.html`` and ``attrs.html`` included
for each). The ledger's filter form has a unit box of every unit (300 in the benchmark) and a dozen other
boxes: rendering them took about 40 % of the ledger page's CPU, on every request. ``render`` writes the same
markup, byte for byte (``core/tests/test_renderers.py`` compares the two on the ledger's filter form and
on a project form), from the same widget context; anything it does not recognise (another template, an
option template of its own, a label that is not text and so would be localized) goes to the templates.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# The widget templates that are nothing but ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden", "number", "password", "search", "tel",
        "text", "time", "url",
    )
)  # fmt: skip
# A field's error list: ``default.html`` includes ``ul.html``, which is empty when there is no error.
ERROR_LISTS = frozenset({"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"})


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name alone."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_format(value)}"')
    return "".join(parts)


def _format(value) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless it is already safe HTML."""
    text = str(value)  # what "%s" % value gives (the filter turns a tuple into text first)
    # The filter keeps the safety of safe input only (``is_safe``); anything else is escaped on output.
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _is_text(value) -> bool:
    return isinstance(value, (str, Promise))


def render_select(widget: dict) -> str | None:
    """The HTML of ``select.html`` for this widget context, or None when the templates must do it."""
    lines = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            if not _is_text(group_name):
                return None
            lines.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION or not _is_text(option["label"]):
                return None
            lines.append(
                f'\n  <option value="{_format(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's last line break
            )
        if group_name:
            lines.append("\n  </optgroup>")
    lines.append("\n</select>")
    return "".join(lines)


def render_input(widget: dict) -> str:
    """The HTML of ``input.html``: ``<input type name [value] attrs>``."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_format(value)}"'
    name = conditional_escape(widget["name"])
    return f'<input type="{conditional_escape(widget["type"])}" name="{name}"{shown}{_attrs(widget["attrs"])}>'


class FastSelectRenderer(DjangoTemplates):
    """Django's template renderer, with select boxes written by ``render_select``, plain inputs by
    ``render_input`` and empty error lists (every field of a form that has none: 27 on the ledger) skipped."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            html = render_select(context["widget"])
            if html is not None:
                return html
        elif template_name in INPUTS and _is_text(context["widget"]["type"]):
            return render_input(context["widget"])
        elif template_name in ERROR_LISTS and not context.get("errors"):
            return ""
        return super().render(template_name, context, request=request)
