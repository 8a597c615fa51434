from django.db import migrations

# The channels leads come through (the bureau edits the list).
DEFAULTS = ["亲情招商", "以商招商", "驻外招商机构", "中介代理", "展会节会", "网络来电", "部门推荐", "其他"]


def add_defaults(apps, schema_editor):
    Channel = apps.get_model("leads", "Channel")
    for order, name in enumerate(DEFAULTS, start=1):
        Channel.objects.get_or_create(name=name, defaults={"order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
