from django import forms


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
    return form


class BootstrapForm:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
