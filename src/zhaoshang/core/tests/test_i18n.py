"""The zh_Hans catalogue is complete, compiled, faithful to its placeholders and actually used.

Every user sees the Chinese catalogue (LANGUAGE_CODE = "zh-hans"), so an untranslated string is an English
word in a Chinese interface. These tests read django.po with a small parser (no extra dependency) and fail
on an empty or fuzzy translation, a placeholder lost in translation, a committed django.mo older than
django.po, or a source string the catalogue does not contain yet. To fix a failure:

    cd src/zhaoshang
    ../../.venv/bin/zhaoshang makemessages -l zh_Hans --no-location --no-obsolete -i "static/*"
    # translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po, then
    ../../.venv/bin/zhaoshang compilemessages -l zh_Hans
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
MESSAGES = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = MESSAGES / "django.po"
MO_FILE = MESSAGES / "django.mo"


# --- a small .po reader -----------------------------------------------------------------------


@dataclasses.dataclass
class Entry:
    line: int
    flags: set[str] = dataclasses.field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = dataclasses.field(default_factory=dict)  # a singular msgstr is form 0

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid


KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file, header first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the field that continuation lines extend

    def current(number: int) -> Entry:
        # A comment, msgctxt or msgid after a msgstr (or at the start) opens the next entry.
        nonlocal entry
        if entry is None or entry.msgstr:
            entry = Entry(line=number)
            entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                current(number).flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            else:
                current(number)
        elif match := KEYWORD.match(line):
            keyword, form, text = match[1], match[2], ast.literal_eval(match[3])
            if keyword.startswith("msgstr"):
                if entry is None:
                    raise ValueError(f"{path.name}:{number}: msgstr without msgid")
                target = ("msgstr", int(form or 0))
                entry.msgstr[target[1]] = text
            else:
                current(number)
                target = (keyword, 0)
                setattr(entry, keyword, text)
        elif line.startswith('"') and target is not None:
            name, form = target
            if name == "msgstr":
                entry.msgstr[form] += ast.literal_eval(line)
            else:
                setattr(entry, name, getattr(entry, name) + ast.literal_eval(line))
        else:
            raise ValueError(f"{path.name}:{number}: cannot read {raw!r}")
    return entries


def header(entries: list[Entry]) -> dict[str, str]:
    assert entries and entries[0].msgid == "", "django.po must start with its header entry"
    rows = (row.split(":", 1) for row in entries[0].msgstr.get(0, "").splitlines() if ":" in row)
    return {name.strip(): value.strip() for name, value in rows}


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid]


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return read_po(PO_FILE)


def describe(entry: Entry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"line {entry.line}: {entry.msgid!r}{context}"


# --- (a) complete, no fuzzy entries, proper header ----------------------------------------------


def test_header_declares_simplified_chinese(catalogue):
    fields = header(catalogue)
    assert fields.get("Language") == "zh_Hans"
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"
    assert fields.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert "fuzzy" not in catalogue[0].flags, "the header is marked fuzzy: msgfmt would ignore it"


def test_every_message_is_translated(catalogue):
    entries = messages(catalogue)
    assert len(entries) > 300, f"only {len(entries)} messages: is this the right django.po?"
    empty = [describe(e) for e in entries if not e.msgstr or any(not text.strip() for text in e.msgstr.values())]
    fuzzy = [describe(e) for e in entries if "fuzzy" in e.flags]
    problems = [f"empty msgstr — {item}" for item in empty] + [f"fuzzy — {item}" for item in fuzzy]
    assert not problems, "untranslated zh_Hans messages:\n" + "\n".join(problems)


def test_plural_entries_have_exactly_one_form(catalogue):
    # Chinese has one plural form (nplurals=1): msgstr[0] serves every count.
    wrong = [describe(e) for e in messages(catalogue) if e.msgid_plural is not None and set(e.msgstr) != {0}]
    assert not wrong, "plural entries need exactly msgstr[0]:\n" + "\n".join(wrong)


# --- (c) placeholders survive translation -------------------------------------------------------

PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"\{[A-Za-z_][\w.]*\}|\{\d*\}")


def placeholders(text: str, entry: Entry) -> list[str]:
    found = PERCENT.findall(text) if "python-format" in entry.flags or "%(" in entry.msgid else []
    if "python-brace-format" in entry.flags:
        found += BRACES.findall(text)
    return sorted(found)


def test_placeholders_are_kept(catalogue):
    wrong = []
    for entry in messages(catalogue):
        expected = placeholders(entry.msgid_plural or entry.msgid, entry)
        for form, text in entry.msgstr.items():
            # "%%" may appear a different number of times; every named placeholder must be kept exactly.
            got = placeholders(text, entry)
            if sorted(set(got)) != sorted(set(expected)):
                wrong.append(f"{describe(entry)} msgstr[{form}] has {got}, the source has {expected}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_placeholder_checker_notices_a_lost_placeholder():
    entry = Entry(line=1, flags={"python-format"}, msgid="Project %(code)s saved.", msgstr={0: "项目已保存。"})
    assert placeholders(entry.msgid, entry) == ["%(code)s"]
    assert placeholders(entry.msgstr[0], entry) == []


def test_msgfmt_check_passes(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "check.mo"), str(PO_FILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- (b) the committed .mo is compiled from the committed .po -----------------------------------


def test_committed_mo_matches_the_po(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    assert MO_FILE.exists(), "django.mo is missing: run compilemessages and commit it"
    fresh = tmp_path / "django.mo"
    result = subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(PO_FILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    if fresh.read_bytes() == MO_FILE.read_bytes():
        return
    # Another gettext version may lay the file out differently; the messages must still be the same.
    with fresh.open("rb") as new, MO_FILE.open("rb") as old:
        compiled, committed = gettext.GNUTranslations(new)._catalog, gettext.GNUTranslations(old)._catalog
    stale = sorted(str(key) for key in compiled.keys() ^ committed.keys())
    stale += sorted(str(key) for key in compiled.keys() & committed.keys() if compiled[key] != committed[key])
    assert not stale, "django.mo is stale (run compilemessages -l zh_Hans):\n" + "\n".join(stale[:40])


# --- the catalogue contains every source string -------------------------------------------------

SKIP_DIRS = {"static", "locale", "var", "media", "__pycache__", "node_modules"}


def test_catalogue_has_every_source_string(tmp_path, monkeypatch, settings, catalogue):
    """makemessages on a copy of the source finds no msgid that django.po lacks."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext's xgettext is not installed")
    copy = tmp_path / "zhaoshang"
    shutil.copytree(PACKAGE, copy, ignore=lambda _dir, names: [n for n in names if n in SKIP_DIRS])
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        no_location=True,
        no_obsolete=True,
        ignore_patterns=["static/*"],
        verbosity=0,
    )
    source = {entry.key: entry for entry in messages(read_po(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    assert len(source) > 300, f"makemessages found only {len(source)} strings in the copied source"
    known = {entry.key for entry in messages(catalogue)}
    missing = [repr(source[key].msgid) for key in sorted(source.keys() - known, key=str)]
    assert not missing, (
        f"{len(missing)} source strings are not in django.po (run makemessages and translate them):\n"
        + "\n".join(missing)
    )


# --- the glossary: the words the seeds and the bureau use ---------------------------------------

GLOSSARY = {
    "Project ledger": "项目台账",
    "Lead": "线索",
    "Negotiating": "洽谈",
    "Intention": "意向",
    "Signed": "签约",
    "Started": "开工",
    "Producing": "投产",
    "Active": "正常推进",
    "Stalled": "停滞",
    "Dropped": "终止",
    "Township": "乡镇",
    "County department": "县直部门",
    "Vertical department": "垂直部门",
    "Park": "园区",
    "Resident office": "驻外招商站",
    "Jurisdiction": "辖区",
    "Tier 1": "一档",
    "Tier 4": "四档",
    "Bureau staff": "招商局工作人员",
    "County leader": "县领导",
    "county leader": "包抓县领导",
    "Supervisor": "督查人员",
    "Unit reporter": "单位联络员",
    "Administrator": "系统管理员",
    "Domestic": "内资",
    "Foreign": "外资",
    "Industrial": "工业",
    "Tertiary": "三产",
    "planned investment": "计划总投资",
    "contract amount": "协议引资额",
    "voucher number": "凭证号",
    "stewards": "项目保姆",
    "work team": "工作专班",
    "responsible unit": "责任单位",
    "credited units": "引进单位",
    "introduced by": "引进人",
    "10k yuan": "万元",
}

# GB/T 4754-2017 sections A-T under their official Chinese names.
INDUSTRY_SECTIONS = [
    "农、林、牧、渔业",
    "采矿业",
    "制造业",
    "电力、热力、燃气及水生产和供应业",
    "建筑业",
    "批发和零售业",
    "交通运输、仓储和邮政业",
    "住宿和餐饮业",
    "信息传输、软件和信息技术服务业",
    "金融业",
    "房地产业",
    "租赁和商务服务业",
    "科学研究和技术服务业",
    "水利、环境和公共设施管理业",
    "居民服务、修理和其他服务业",
    "教育",
    "卫生和社会工作",
    "文化、体育和娱乐业",
    "公共管理、社会保障和社会组织",
    "国际组织",
]


def test_glossary_terms_are_used(catalogue):
    translated = {entry.msgid: entry.msgstr.get(0) for entry in messages(catalogue)}
    wrong = {msgid: translated.get(msgid) for msgid, chinese in GLOSSARY.items() if translated.get(msgid) != chinese}
    assert not wrong, f"glossary terms translated differently: {wrong}"


def test_industry_sections_use_the_official_names():
    from zhaoshang.projects.choices import Industry

    with translation.override("zh-hans"):
        assert [str(label) for label in Industry.labels] == INDUSTRY_SECTIONS


def test_money_is_shown_in_wan_and_yi():
    from zhaoshang.core.templatetags.money import yi

    with translation.override("zh-hans"):
        assert yi("1234.5") == "1,234.50万元"
        assert yi("25000") == "2.50亿元"


# --- (d) the pages really come out in Chinese, and in English on request ------------------------


def test_ledger_page_is_chinese_and_switches_to_english(client, users):
    client.force_login(users["bureau"])
    url = reverse("projects:ledger")
    page = client.get(url).content.decode()
    assert "项目台账" in page and "Project ledger" not in page
    assert "计划总投资" in page and "实际到位资金" in page
    assert '<html lang="zh-hans">' in page

    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Project ledger" in page and "项目台账" not in page
    assert '<html lang="en">' in page

    client.post(reverse("set_language"), {"language": "zh-hans", "next": url})
    assert "项目台账" in client.get(url).content.decode()


def test_stage_error_names_the_stages_in_chinese():
    import datetime as dt

    from zhaoshang.projects.services import stage_date_errors

    with translation.override("zh-hans"):
        (error,) = stage_date_errors({"signed": dt.date(2026, 5, 1), "started": dt.date(2026, 4, 30)})
    assert "开工" in error and "签约" in error and "2026-04-30" in error and "2026-05-01" in error


def test_statuses_of_the_same_english_word_read_right_in_chinese():
    from django.utils import translation

    from zhaoshang.scheduling.choices import ItemStatus, RoundStatus
    from zhaoshang.supervision.choices import BatchStatus, RectificationStatus

    with translation.override("zh-hans"):
        opened = [str(s.OPEN.label) for s in (RoundStatus, ItemStatus, BatchStatus, RectificationStatus)]
        closed = [str(s.CLOSED.label) for s in (RoundStatus, ItemStatus, BatchStatus, RectificationStatus)]
    assert opened == ["进行中", "待处理", "进行中", "待整改"]
    assert closed == ["已结束", "已关闭", "已结束", "已销号"]


def test_django_stock_phrasings_replaced(db):
    """Issue 12: "具有 项目编号 的 项目 已存在。" → "该项目的项目编号已被占用。"; "---------" → "请选择"."""
    from django.utils import translation

    from zhaoshang.projects.forms import ProjectForm
    from zhaoshang.projects.models import Project

    with translation.override("zh-hans"):
        message = Project(code="X").unique_error_message(Project, ["code"])
        assert str(message.message % message.params) == "该项目的项目编号已被占用。"
        labels = [
            str(label) for field in ProjectForm().fields.values() for _value, label in getattr(field, "choices", [])
        ]
        assert "---------" not in labels and "请选择" in labels


def test_history_shows_labels_of_the_codes_in_json_fields(users):
    """Issue 12: a period's history read "['negotiating', …]" and "{'township': 3}"."""
    from django.utils import translation

    from zhaoshang.core.history import entries_for
    from zhaoshang.targets import services as targets
    from zhaoshang.targets.models import Period

    period = targets.save_period(
        user=users["bureau"],
        data={"code": "Y", "name": "年度", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)},
    )
    period.excluded_kinds, period.criticise_bottom = ["tertiary"], {"township": 2}
    period.save()
    with translation.override("zh-hans"):
        entries = entries_for(list(Period.history.filter(id=period.pk)))
        shown = {}
        for entry in entries:  # newest first: the latest value of each field
            for change in entry.changes:
                shown.setdefault(change.field, change.new)
    assert shown["criticise_bottom"] == "乡镇 2" and "[" not in str(shown["excluded_kinds"])
