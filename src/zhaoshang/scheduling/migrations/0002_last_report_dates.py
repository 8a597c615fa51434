from django.db import migrations
from django.db.models import Max
from django.utils import timezone


def fill_last_report_dates(apps, schema_editor):
    """Each project's last_report_on: the local date of its latest submitted progress report."""
    Project = apps.get_model("projects", "Project")
    ProgressReport = apps.get_model("scheduling", "ProgressReport")
    latest = (
        ProgressReport.objects.filter(submitted_at__isnull=False)
        .values("project_id")
        .annotate(at=Max("submitted_at"))
        .values_list("project_id", "at")
    )
    by_day: dict = {}
    for project_id, at in latest:
        by_day.setdefault(timezone.localdate(at), []).append(project_id)
    for day, ids in by_day.items():
        for start in range(0, len(ids), 500):
            Project.objects.filter(pk__in=ids[start : start + 500]).update(last_report_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_stage_dates"),
        ("scheduling", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill_last_report_dates, migrations.RunPython.noop)]
