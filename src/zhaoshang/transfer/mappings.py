"""Saved column mappings of counties' own sheets, in the database and as JSON files (issue 15).

A mapping says, for each column of a source's sheet in order, which field of ``source_fields`` it fills ("" for a
column ignored) and the scale its amounts are written in. The same shape is stored on ``SourceMapping`` and
written to a mapping file (``zhaoshang import --mapping FILE``)::

    {
      "format": "zhaoshang-source-mapping",
      "version": 1,
      "name": "城关镇月报",
      "sheet_hint": "重点项目",
      "columns": [
        {"header": "序号", "field": "", "scale": ""},
        {"header": "项目名称", "field": "name", "scale": ""},
        {"header": "总投资(亿元)", "field": "planned", "scale": "亿元"}
      ],
      "options": {"as_of": "2025-06-30", "default_unit": "T01"}
    }

* ``scale``: the unit a column's figures are written in ("" when the cell says it, "3.2亿", or the sheet's title
  row does): one of ``MONEY_SCALES`` or ``AREA_SCALES``; a money field refuses an area's unit and an area field a
  money's. Other columns keep the unit their header states, unused.
* ``options`` (each may be absent, null or ""): ``as_of``, the date the sheet's cumulative figures stand at (ISO),
  overriding the one read above the header; ``default_unit``, the code of the unit responsible for rows that name
  none; ``default_kind`` and ``default_capital``, a new project's type and domestic/foreign when the sheet has
  no column for them (``projects.choices.Kind`` and ``CapitalType`` values).
* A field is filled by one column at most; ``code`` or ``name`` must be mapped (rows are identified by them).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit
from zhaoshang.projects.choices import CapitalType, Kind

from .columns import normalise_header
from .models import SourceMapping
from .source_fields import AREA, FIELDS, IDENTIFYING_FIELDS, MONEY

FILE_FORMAT = "zhaoshang-source-mapping"
FILE_VERSION = 1
MONEY_SCALES = ("", "元", "千元", "万元", "亿元", "美元", "万美元", "亿美元")
AREA_SCALES = ("", "亩", "平方米", "公顷")
SCALES = (*MONEY_SCALES, *AREA_SCALES[1:])
OPTION_KEYS = ("as_of", "default_unit", "default_kind", "default_capital")


def clean_columns(columns) -> tuple[list[dict], list[str]]:
    """The columns in their stored shape, and what is wrong with them (in the user's language)."""
    errors: list[str] = []
    cleaned: list[dict] = []
    if not isinstance(columns, list) or not columns:
        return [], [_("A mapping needs at least one column.")]
    seen: dict[str, str] = {}
    for index, column in enumerate(columns, start=1):
        if not isinstance(column, dict):
            errors.append(_("Column %(n)s is not a header, field and scale.") % {"n": index})
            continue
        header = str(column.get("header") or "").strip()
        field = str(column.get("field") or "").strip()
        scale = str(column.get("scale") or "").strip()
        if not header:
            errors.append(_("Column %(n)s has no header.") % {"n": index})
        if field and field not in FIELDS:
            errors.append(
                _("Column “%(header)s”: “%(field)s” is not a known field.") % {"header": header, "field": field}
            )
        elif field in seen:
            errors.append(
                _("Columns “%(first)s” and “%(header)s” both fill %(label)s.")
                % {"first": seen[field], "header": header, "label": FIELDS[field].label}
            )
        elif field:
            seen[field] = header
        kind = FIELDS[field].kind if field in FIELDS else None
        allowed = MONEY_SCALES if kind == MONEY else AREA_SCALES if kind == AREA else SCALES
        if scale not in allowed:
            errors.append(
                _("Column “%(header)s”: the scale “%(scale)s” does not fit its field.")
                % {"header": header, "scale": scale}
            )
        cleaned.append({"header": header, "field": field, "scale": scale})
    if not errors and not any(key in seen for key in IDENTIFYING_FIELDS):
        errors.append(_("A mapping must map the project code or the project name: they identify a row."))
    return cleaned, errors


def clean_options(options) -> tuple[dict, list[str]]:
    options = options or {}
    if not isinstance(options, dict):
        return {}, [_("The options of a mapping are not readable.")]
    errors = []
    unknown = sorted(set(options) - set(OPTION_KEYS))
    if unknown:
        errors.append(_("Unknown options: %(keys)s.") % {"keys": ", ".join(unknown)})
    cleaned: dict = {}
    as_of = options.get("as_of")
    if as_of:
        try:
            cleaned["as_of"] = (as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of))).isoformat()
        except ValueError:
            errors.append(_("The as-of date “%(value)s” is not a date (YYYY-MM-DD).") % {"value": as_of})
    default_unit = options.get("default_unit")
    if isinstance(default_unit, Unit):
        default_unit = default_unit.code
    if default_unit:
        if Unit.objects.filter(code=str(default_unit)).exists():
            cleaned["default_unit"] = str(default_unit)
        else:
            errors.append(_("No unit has the code “%(code)s”.") % {"code": default_unit})
    for key, choices in (("default_kind", Kind), ("default_capital", CapitalType)):
        value = options.get(key)
        if value and value not in choices.values:
            errors.append(_("“%(value)s” is not a choice for %(option)s.") % {"value": value, "option": key})
        elif value:
            cleaned[key] = value
    return cleaned, errors


def build_mapping(*, name: str, columns, options=None, sheet_hint: str = "") -> SourceMapping:
    """An unsaved mapping checked whole; a ValidationError lists everything wrong."""
    name = str(name or "").strip()
    errors = [] if name else [_("A mapping needs a name.")]
    if len(name) > SourceMapping._meta.get_field("name").max_length:
        errors.append(_("A mapping's name has at most 100 characters."))
    cleaned_columns, column_errors = clean_columns(columns)
    cleaned_options, option_errors = clean_options(options)
    errors += column_errors + option_errors
    if errors:
        raise ValidationError(errors)
    return SourceMapping(
        name=name, sheet_hint=str(sheet_hint or "").strip()[:100], columns=cleaned_columns, options=cleaned_options
    )


@transaction.atomic
def save_mapping(
    *, name: str, columns=None, options=None, user, sheet_hint: str = "", mapping: dict | None = None
) -> SourceMapping:
    """Save a source's mapping under its name (bureau staff); saving a name again replaces its columns and
    options, which history keeps. ``mapping``: the file's shape (``mapping_json``), instead of ``columns``,
    ``options`` and ``sheet_hint``. A ValidationError lists everything wrong; nothing is saved then."""
    if not access.edits_everything(user):
        raise PermissionDenied
    if mapping is not None:
        columns, options = mapping.get("columns"), mapping.get("options")
        sheet_hint = mapping.get("sheet_hint") or sheet_hint
    built = build_mapping(name=name, columns=columns, options=options, sheet_hint=sheet_hint)
    mapping = SourceMapping.objects.filter(name=built.name).first()
    if mapping is None:
        mapping = built
        mapping.created_by = user if getattr(user, "pk", None) else None
    else:
        mapping.columns, mapping.options, mapping.sheet_hint = built.columns, built.options, built.sheet_hint
    as_user(mapping, user).save()
    return mapping


@transaction.atomic
def delete_mapping(*, mapping: SourceMapping, user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied
    as_user(mapping, user).delete()


def get_mapping(name: str) -> SourceMapping | None:
    """The saved mapping of this name (``mapping_json`` gives its file shape)."""
    return SourceMapping.objects.filter(name=str(name or "").strip()).first()


def list_mappings():
    """The saved mappings by name."""
    return SourceMapping.objects.order_by("name")


def header_key(headers) -> tuple[str, ...]:
    """Headers as compared: normalised, blank ones (empty columns) left out."""
    return tuple(key for key in (normalise_header(header) for header in headers) if key)


def match_mapping(headers: list[str]) -> SourceMapping | None:
    """The saved mapping made for a sheet with these headers (the same normalised headers in the same order):
    the most recently updated when several are."""
    key = header_key(headers)
    if not key:
        return None
    for mapping in SourceMapping.objects.order_by("-updated_at", "-pk"):
        if header_key(mapping.headers) == key:
            return mapping
    return None


def mapping_json(mapping: SourceMapping) -> dict:
    """The mapping in the file's shape (the module's docstring)."""
    return {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "name": mapping.name,
        "sheet_hint": mapping.sheet_hint,
        "columns": list(mapping.columns),
        "options": dict(mapping.options or {}),
    }


def mapping_to_file(mapping: SourceMapping, path) -> None:
    Path(path).write_text(json.dumps(mapping_json(mapping), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def mapping_from_dict(data, *, default_name: str = "") -> SourceMapping:
    if not isinstance(data, dict):
        raise ValidationError(_("A mapping file holds one JSON object."))
    if data.get("format", FILE_FORMAT) != FILE_FORMAT or data.get("version", FILE_VERSION) != FILE_VERSION:
        raise ValidationError(_("This is not a mapping file of this version."))
    return build_mapping(
        name=data.get("name") or default_name,
        columns=data.get("columns"),
        options=data.get("options"),
        sheet_hint=data.get("sheet_hint") or "",
    )


def mapping_from_file(path) -> SourceMapping:
    """The mapping a JSON file describes, checked but not saved (``save_mapping`` keeps it)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(
            _("The mapping file %(file)s cannot be read: %(error)s") % {"file": path.name, "error": error}
        ) from error
    return mapping_from_dict(data, default_name=path.stem)
