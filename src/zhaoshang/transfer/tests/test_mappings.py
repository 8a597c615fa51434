"""Saved column mappings: checked, saved per source, matched by a sheet's headers, written to and read from JSON."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.transfer.mappings import (
    delete_mapping,
    get_mapping,
    list_mappings,
    mapping_from_file,
    mapping_json,
    mapping_to_file,
    match_mapping,
    save_mapping,
)
from zhaoshang.transfer.models import SourceMapping

pytestmark = pytest.mark.django_db

COLUMNS = [
    {"header": "序号", "field": "", "scale": ""},
    {"header": "项目名称", "field": "name", "scale": ""},
    {"header": "总投资（亿元）", "field": "planned", "scale": "亿元"},
    {"header": "项目进展情况", "field": "progress", "scale": ""},
    {"header": "包抓领导", "field": "county_leader"},
]


def test_save_and_get(users, units):
    mapping = save_mapping(
        name=" 城关镇月报 ",
        columns=COLUMNS,
        options={"as_of": "2025-06-30", "default_unit": "T01"},
        user=users["bureau"],
    )
    stored = get_mapping("城关镇月报")
    assert stored.pk == mapping.pk
    assert stored.columns[2] == {"header": "总投资（亿元）", "field": "planned", "scale": "亿元"}
    assert stored.columns[4] == {"header": "包抓领导", "field": "county_leader", "scale": ""}
    assert stored.options == {"as_of": "2025-06-30", "default_unit": "T01"}
    assert stored.created_by == users["bureau"]
    assert get_mapping("没有") is None


def test_saving_a_name_again_replaces_it_and_history_keeps_both(users):
    save_mapping(name="县重点项目调度表", columns=COLUMNS, options={}, user=users["bureau"])
    save_mapping(name="县重点项目调度表", columns=COLUMNS[1:3], options=None, user=users["admin"])
    assert SourceMapping.objects.count() == 1
    assert len(get_mapping("县重点项目调度表").columns) == 2
    history = SourceMapping.history.order_by("history_id")
    assert [(h.history_type, len(h.columns), h.history_user) for h in history] == [
        ("+", 5, users["bureau"]),
        ("~", 2, users["admin"]),
    ]
    delete_mapping(mapping=get_mapping("县重点项目调度表"), user=users["bureau"])
    assert not SourceMapping.objects.exists()


@pytest.mark.parametrize(
    ("columns", "options", "message"),
    [
        ([], {}, "至少需要一列"),
        ([{"header": "项目名称", "field": "nonsense"}], {}, "nonsense"),
        ([{"header": "项目名称", "field": "name"}, {"header": "名称", "field": "name"}], {}, "名称"),
        ([{"header": "用地", "field": "land", "scale": "亿元"}, {"header": "项目", "field": "name"}], {}, "亿元"),
        ([{"header": "总投资", "field": "planned", "scale": "亩"}, {"header": "项目", "field": "name"}], {}, "亩"),
        ([{"header": "总投资", "field": "planned", "scale": "千克"}, {"header": "项目", "field": "name"}], {}, "千克"),
        ([{"header": "项目名称", "field": "name"}], {"default_kind": "mining"}, "mining"),
        ([{"header": "总投资", "field": "planned"}], {}, "项目编码或项目名称"),
        ([{"header": "", "field": "name"}], {}, "没有表头"),
        ([{"header": "项目名称", "field": "name"}], {"as_of": "2025-13-01"}, "2025-13-01"),
        ([{"header": "项目名称", "field": "name"}], {"default_unit": "X99"}, "X99"),
        ([{"header": "项目名称", "field": "name"}], {"colour": "red"}, "colour"),
    ],
)
def test_bad_mappings_are_refused(users, units, columns, options, message):
    with pytest.raises(ValidationError, match=message):
        save_mapping(name="坏的", columns=columns, options=options, user=users["bureau"])
    assert not SourceMapping.objects.exists()


def test_only_bureau_staff_save(users):
    with pytest.raises(PermissionDenied):
        save_mapping(name="城关镇月报", columns=COLUMNS, options={}, user=users["reporter_a"])


def test_match_by_normalised_headers(users):
    save_mapping(name="城关镇月报", columns=COLUMNS, options={}, user=users["bureau"])
    other = save_mapping(name="河口乡台账", columns=COLUMNS[1:], options={}, user=users["bureau"])
    headers = [" 序号", "项目 名称", "总投资(亿元)", "项目进展情况", "包抓领导", None, ""]
    assert match_mapping(headers).name == "城关镇月报"
    assert match_mapping(headers[1:]) == other
    assert match_mapping(["项目名称", "序号", "总投资(亿元)", "项目进展情况", "包抓领导"]) is None
    assert match_mapping([]) is None


def test_json_file_round_trip(users, units, tmp_path):
    mapping = save_mapping(
        name="城关镇月报", sheet_hint="重点项目", columns=COLUMNS, options={"default_unit": "T01"}, user=users["bureau"]
    )
    path = tmp_path / "城关镇月报.json"
    mapping_to_file(mapping, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "zhaoshang-source-mapping" and data["version"] == 1
    assert data["columns"][1] == {"header": "项目名称", "field": "name", "scale": ""}
    assert "总投资（亿元）" in path.read_text(encoding="utf-8")  # Chinese written as such
    read = mapping_from_file(path)
    assert read.pk is None
    assert (read.name, read.sheet_hint, read.columns, read.options) == (
        mapping.name,
        mapping.sheet_hint,
        mapping.columns,
        mapping.options,
    )


def test_a_file_without_a_name_takes_the_file_name(tmp_path):
    path = tmp_path / "河口乡台账.json"
    path.write_text(json.dumps({"columns": [{"header": "项目名称", "field": "name"}]}), encoding="utf-8")
    assert mapping_from_file(path).name == "河口乡台账"


def test_unreadable_files_say_why(tmp_path):
    path = tmp_path / "坏.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"坏\.json"):
        mapping_from_file(path)
    path.write_text(json.dumps({"format": "other", "columns": []}), encoding="utf-8")
    with pytest.raises(ValidationError):
        mapping_from_file(path)
    path.write_text(json.dumps({"columns": [{"header": "总投资", "field": "planned"}]}), encoding="utf-8")
    with pytest.raises(ValidationError, match="项目编码或项目名称"):
        mapping_from_file(path)


def test_the_mapping_screens_shape_is_saved_as_is(users, units):
    """What the mapping screen sends: every column with the unit its header states (ignored ones too), and the
    options it always writes, empty ones as ""."""
    shape = {
        "name": "县重点项目调度表",
        "columns": [
            {"header": "序号", "field": "", "scale": ""},
            {"header": "项目名称", "field": "name", "scale": ""},
            {"header": "本年计划投资(亿元)", "field": "", "scale": "亿元"},
            {"header": "用地(亩)", "field": "land", "scale": "亩"},
            {"header": "总投资(千元)", "field": "planned", "scale": "千元"},
        ],
        "options": {"as_of": "", "default_unit": "", "default_kind": "tertiary", "default_capital": "domestic"},
    }
    saved = save_mapping(name=shape["name"], mapping=shape, user=users["bureau"])
    assert saved.columns == shape["columns"]
    assert saved.options == {"default_kind": "tertiary", "default_capital": "domestic"}
    assert mapping_json(get_mapping("县重点项目调度表"))["columns"] == shape["columns"]
    assert [m.name for m in list_mappings()] == ["县重点项目调度表"]
