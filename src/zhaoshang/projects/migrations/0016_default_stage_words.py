"""Seed the status words counties write (issue 15); the bureau edits or deletes them afterwards."""

from django.db import migrations

# A copy, not an import: a migration keeps the words it seeded even when the module's defaults change.
DEFAULT_WORDS = {
    "negotiating": ("洽谈", "洽谈中", "在谈"),
    "intention": ("意向", "已签意向", "前期", "前期工作"),
    "signed": ("签约", "已签约", "协议", "已签协议", "签订协议"),
    "started": ("开工", "在建", "已开工", "建设中", "续建", "新开工"),
    "producing": ("投产", "已投产", "竣工", "竣工投产", "建成投产", "运营"),
    "stalled": ("停滞", "停工", "暂停", "缓建"),
    "dropped": ("终止", "取消", "退出"),
}


def seed(apps, schema_editor):
    StageWord = apps.get_model("projects", "StageWord")
    have = set(StageWord.objects.values_list("word", flat=True))
    StageWord.objects.bulk_create(
        StageWord(word=word, target=target)
        for target, words in DEFAULT_WORDS.items()
        for word in words
        if word not in have
    )


def unseed(apps, schema_editor):
    StageWord = apps.get_model("projects", "StageWord")
    for target, words in DEFAULT_WORDS.items():
        StageWord.objects.filter(word__in=words, target=target).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0015_stageword_historicalstageword")]
    operations = [migrations.RunPython(seed, unseed)]
