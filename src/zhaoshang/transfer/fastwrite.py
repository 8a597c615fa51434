"""Set-based inserts and updates that write django-simple-history rows with the importing user.

Why not ``simple_history.utils.bulk_create_with_history``: it goes through ``QuerySet.bulk_create``
twice (rows, then history rows), and Django's per-value preparation in the SQL compiler dominates
an import of 10,000 projects (about 1.5 million values, three quarters of the import's time). Here
each column's value is adapted once by the backend's own adapter (``connection.ops.adapt_*``, what
``Field.get_db_prep_save`` ends with) and rows go in as multi-row ``INSERT … RETURNING id``, so
the database sees exactly what Django would have sent. The history rows are those
``HistoryManager.bulk_history_create`` builds: every tracked field, history_date, history_type
("+", "~"), history_user and history_change_reason.

It needs a database that returns the ids of a multi-row INSERT: PostgreSQL, or SQLite 3.35 and later.
"""

from __future__ import annotations

import operator
import sqlite3

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import AutoField, BigAutoField, SmallAutoField

from zhaoshang.core import clock

MAX_ROWS_PER_STATEMENT = 1000
AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)
HISTORY_META = {"history_date", "history_change_reason", "history_type", "history_user_id"}
itemgetter0 = operator.itemgetter(0)


def _connection(model):
    connection = connections[router.db_for_write(model)]
    connection.ensure_connection()
    return connection


def _parameter_limit(connection) -> int:
    if connection.vendor == "sqlite":
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # a driver without getlimit(): Django's own assumption
            return connection.features.max_query_params or 999
    return connection.features.max_query_params or 65535


def _adapter(field, connection):
    """The function that turns a model attribute into what the driver receives for this column."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DecimalField":
        if type(ops).adapt_decimalfield_value is BaseDatabaseOperations.adapt_decimalfield_value:
            return None  # Django passes Decimal through to the driver (SQLite's adapter makes it text)
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if kind == "DateTimeField":
        return _memoized(ops.adapt_datetimefield_value)
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind in {
        "CharField",
        "TextField",
        "BooleanField",
        "ForeignKey",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
    }:
        return None  # passed as is, as get_db_prep_save would
    return lambda value: field.get_db_prep_save(value, connection)


def _memoized(adapt):
    """The adapter, called once per distinct value: the rows of one import share their timestamps, and
    SQLite's datetime adapter (a timezone conversion and a string) would otherwise run for each of them."""
    memo = {}

    def adapted(value):
        try:
            return memo[value]
        except KeyError:
            result = memo[value] = adapt(value)
            return result

    return adapted


def _insert(model, fields, rows: list[list], *, returning: bool) -> list:
    """INSERT the rows (lists of adapted values, in ``fields`` order); the new ids if ``returning``."""
    connection = _connection(model)
    if connection.vendor == "postgresql":
        return _copy_postgresql(connection, model, fields, rows, returning=returning)
    quote = connection.ops.quote_name
    per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, _parameter_limit(connection) // max(1, len(fields))))
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    sqlite = connection.vendor == "sqlite"
    # SQLite gets the driver's own "?" placeholders and the driver's cursor: Django's SQLite cursor would
    # first rewrite every "%s" of these long statements with a regular expression. Errors are still
    # raised as Django's (IntegrityError…), as through Django's cursor.
    placeholder = "(" + ", ".join(["?" if sqlite else "%s"] * len(fields)) + ")"
    ids: list = []
    with connection.cursor() as cursor, connection.wrap_database_errors:
        target = cursor.cursor if sqlite else cursor
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [value for row in chunk for value in row]
            sql = head + ", ".join([placeholder] * len(chunk)) + tail
            if sqlite:
                sqlite3.Cursor.execute(target, sql, params)
            else:
                target.execute(sql, params)
            if returning:
                ids.extend(row[0] for row in target.fetchall())
    return ids


def _copy_postgresql(connection, model, fields, rows: list[list], *, returning: bool) -> list:
    """PostgreSQL: ids drawn from the table's sequence in one query, then the rows sent with COPY.

    psycopg parses every ``%s`` of a statement in Python, which makes multi-row INSERTs slow there, and
    one statement per row costs a round of parsing and planning in the server for each row; COPY costs
    neither. Drawing the ids with nextval() is what a plain INSERT would do, so concurrent writers
    never collide.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    ids: list = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if returning and rows:
            pk = model._meta.pk
            raw.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(rows)],
            )
            ids = [row[0] for row in raw.fetchall()]
            fields = [pk, *fields]
            rows = [[pk_value, *row] for pk_value, row in zip(ids, rows, strict=True)]
        columns = ", ".join(quote(f.column) for f in fields)
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def _rows(objs, attnames: list[str], adapters: list, constants: tuple = ()) -> list[list]:
    """Each object's attributes (read in one C call) with the adapted columns replaced, then the constants."""
    getter = operator.attrgetter(*attnames)
    adapted = [(index, adapt) for index, adapt in enumerate(adapters) if adapt is not None]
    single = len(attnames) == 1
    rows = []
    for obj in objs:
        row = [getter(obj)] if single else list(getter(obj))
        for index, adapt in adapted:
            value = row[index]
            if value is not None:
                row[index] = adapt(value)
        if constants:
            row.extend(constants)
        rows.append(row)
    return rows


def _values(objs, fields, connection, *, add: bool) -> list[list]:
    # auto_now/auto_now_add fields get their value the way save() gives it (the field's pre_save), once:
    # the rows written together share one timestamp, as they share their history rows' history_date.
    for field in fields:
        if objs and (getattr(field, "auto_now", False) or (add and getattr(field, "auto_now_add", False))):
            value = field.pre_save(objs[0], add)
            for obj in objs:
                setattr(obj, field.attname, value)
    adapters = [_adapter(field, connection) for field in fields]
    return _rows(objs, [field.attname for field in fields], adapters)


class NewRow:
    """A row to create, lighter than a model instance (an import makes tens of thousands of them).

    Attributes are the model's field names or attnames; a related row may be given by name (``project=p``)
    and still be unsaved: its id is taken when the row is inserted. Missing fields get their defaults.
    """

    pk = None  # until inserted

    def __init__(self, **values):
        self.__dict__ = values  # a new dict for each call


def _prepare(objs, model, fields) -> None:
    """Fill in what the INSERT needs: defaults of NewRows and ids of related rows created since."""
    relations = [f for f in fields if f.is_relation and f.many_to_one]
    # A field without a default gets None or "" (``get_default()``), the same for every row; only a real
    # callable default is called for each row.
    callables = [f for f in fields if not f.is_relation and f.has_default() and callable(f.default)]
    defaults = {f.attname: f.get_default() for f in fields if not f.is_relation and f not in callables}
    for obj in objs:
        if isinstance(obj, NewRow):
            values = {**defaults, **obj.__dict__}
            obj.__dict__ = values
            for field in callables:
                if field.attname not in values:
                    values[field.attname] = field.get_default()
            for field in relations:
                if values.get(field.attname) is None:
                    related = values.get(field.name)
                    values[field.attname] = _related_pk(model, field, related)
        else:
            for field in relations:
                if getattr(obj, field.attname) is None and field.is_cached(obj):
                    setattr(obj, field.attname, _related_pk(model, field, field.get_cached_value(obj)))


def _related_pk(model, field, related):
    if related is None:
        return None
    if related.pk is None:
        raise ValueError(f"{model.__name__}.{field.name} refers to a row that was not created")
    return related.pk


def _history_rows(model, objs, *, history_type: str, user, reason: str, date, inserted=None) -> None:
    """Write a history row for each object. ``inserted``: (fields, rows, ids) of the INSERT that has just
    created the objects: a new row's history row repeats its values, already adapted."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not objs:
        return
    history_model = model.history.model
    connection = _connection(history_model)
    concrete = [f for f in history_model._meta.concrete_fields if not isinstance(f, AUTO_FIELDS)]
    # The tracked fields are read from the objects; the history metadata is the same for every row.
    tracked = [f for f in concrete if f.attname not in HISTORY_META]
    meta = [f for f in concrete if f.attname in HISTORY_META]
    values = {
        "history_date": date,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
    }
    constants = []
    for field in meta:
        adapt, value = _adapter(field, connection), values[field.attname]
        constants.append(value if adapt is None or value is None else adapt(value))
    picks = _inserted_positions(tracked, model._meta.pk.attname, inserted[0]) if inserted is not None else None
    if picks is None:
        adapters = [_adapter(field, connection) for field in tracked]
        rows = _rows(objs, [field.attname for field in tracked], adapters, tuple(constants))
    else:
        # The inserted rows (not used again), each followed by its id and the history metadata.
        inserted_fields, rows, ids = inserted
        for row, pk in zip(rows, ids, strict=True):
            row.append(pk)
        if sorted(picks) == list(range(len(inserted_fields) + 1)):
            # Every inserted column is tracked: the rows stay as they are, the columns take their order.
            tracked = [field for _pick, field in sorted(zip(picks, tracked, strict=True), key=itemgetter0)]
        else:  # some inserted columns are not tracked (the model's excluded_fields)
            getter = operator.itemgetter(*picks)
            rows = [list(getter(row)) for row in rows]
        for row in rows:
            row.extend(constants)
    _insert(history_model, tracked + meta, rows, returning=False)


def _inserted_positions(tracked, pk_attname: str, inserted_fields) -> list[int] | None:
    """For each tracked history field, the position of its value in an inserted row followed by the new id;
    None unless every tracked field is an inserted column of the same type (so adapted the same way)."""
    positions = {field.attname: (index, field.get_internal_type()) for index, field in enumerate(inserted_fields)}
    picks = []
    for field in tracked:
        if field.attname == pk_attname:
            picks.append(len(inserted_fields))
            continue
        found = positions.get(field.attname)
        if found is None or found[1] != field.get_internal_type():
            return None
        picks.append(found[0])
    return picks if len(picks) > 1 else None


WRITE_CHUNK = 5000


def create_with_history(objs: list, model, *, user, reason: str) -> None:
    """Insert new rows, set their ids, and write a "+" history row for each."""
    if not objs:
        return
    connection = _connection(model)
    user = user if getattr(user, "pk", None) else None
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover - SQLite < 3.35
        raise ImproperlyConfigured("The Excel import needs PostgreSQL or SQLite 3.35 or later.")
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AUTO_FIELDS)]
    alias, pk_attname = connection.alias, model._meta.pk.attname
    date = clock.now()
    # A slice at a time: the rows' values and their history rows are built for WRITE_CHUNK objects, not for the
    # whole file at once (memory stays flat however many rows an import creates).
    for start in range(0, len(objs), WRITE_CHUNK):
        chunk = objs[start : start + WRITE_CHUNK]
        _prepare(chunk, model, fields)
        rows = _values(chunk, fields, connection, add=True)
        ids = _insert(model, fields, rows, returning=True)
        for obj, pk in zip(chunk, ids, strict=True):
            if isinstance(obj, NewRow):
                obj.pk = pk
                setattr(obj, pk_attname, pk)
            else:
                obj.pk = pk
                obj._state.adding, obj._state.db = False, alias
        _history_rows(model, chunk, history_type="+", user=user, reason=reason, date=date, inserted=(fields, rows, ids))


def update_with_history(objs: list, model, fields: set[str], *, user, reason: str) -> None:
    """UPDATE the given fields of existing rows (one statement run for all rows) and write "~" history rows."""
    if not objs:
        return
    connection = _connection(model)
    user = user if getattr(user, "pk", None) else None
    columns = [model._meta.get_field(name) for name in sorted(fields)]
    _prepare(objs, model, columns)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    rows = _values(objs, columns, connection, add=False)
    for row, obj in zip(rows, objs, strict=True):
        row.append(obj.pk)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    _history_rows(model, objs, history_type="~", user=user, reason=reason, date=clock.now())
