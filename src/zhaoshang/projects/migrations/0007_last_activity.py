import django.utils.timezone
from django.db import migrations, models
from django.utils import timezone


def fill_last_activity(apps, schema_editor):
    """Each project's last_activity_on: the latest of the day it was entered (local date), its stage date and
    its last report (``services.last_activity``)."""
    Project = apps.get_model("projects", "Project")
    by_day: dict = {}
    for pk, created_at, stage_date, last_report_on in Project.objects.values_list(
        "pk", "created_at", "stage_date", "last_report_on"
    ).iterator(chunk_size=5000):
        day = max(d for d in (timezone.localdate(created_at), stage_date, last_report_on) if d is not None)
        by_day.setdefault(day, []).append(pk)
    for day, ids in by_day.items():
        for start in range(0, len(ids), 500):
            Project.objects.filter(pk__in=ids[start : start + 500]).update(last_activity_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_stage_dates"),
        ("scheduling", "0002_last_report_dates"),  # last_report_on filled first
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="last_activity_on",
            field=models.DateField(
                default=django.utils.timezone.localdate, editable=False, verbose_name="last activity"
            ),
        ),
        migrations.RunPython(fill_last_activity, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["status", "last_activity_on", "code"], name="project_last_activity_idx"),
        ),
        migrations.AddIndex(
            model_name="project", index=models.Index(fields=["stage_date"], name="project_stage_date_idx")
        ),
        migrations.RemoveIndex(model_name="project", name="projects_pr_planned_112f26_idx"),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["planned_investment", "status", "stage"], name="project_planned_idx"),
        ),
    ]
