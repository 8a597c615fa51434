from django import template

from zhaoshang.scheduling import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def project_reports(context, project):
    """The project's progress reports the page's user may see, oldest round first."""
    user = context.get("user") or context["request"].user
    return selectors.project_reports(user=user, project=project)


@register.simple_tag
def is_late(report, today):
    return report.is_late(today)


@register.simple_tag
def is_overdue(item, today):
    return item.is_overdue(today)
