from django.db import migrations

# The milestones every signed project plans by default (the bureau edits the list); 开工 and 投产 are the pipeline's
# stages started and producing.
DEFAULTS = [
    ("土地供应", None),
    ("立项/备案", None),
    ("环评", None),
    ("能评", None),
    ("施工许可", None),
    ("开工", "started"),
    ("竣工", None),
    ("投产", "producing"),
    ("入库入统", None),
]


def add_defaults(apps, schema_editor):
    MilestoneKind = apps.get_model("milestones", "MilestoneKind")
    for order, (name, stage) in enumerate(DEFAULTS, start=1):
        MilestoneKind.objects.get_or_create(name=name, defaults={"order": order * 10, "stage": stage})


class Migration(migrations.Migration):
    dependencies = [("milestones", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
