"""One model instance by primary key, without building a queryset.

`Model.objects.get(pk=...)` compiles its SQL on every call, which is most of its cost on a
hot path such as the click-day submission (the user behind the session, the call applied to).
`load` builds the statement and the value converters once per model and then only executes
it; the instance is made by `Model.from_db`, as a queryset would make it.

`insert_many` writes many new rows by COPY on PostgreSQL; `insert_fields` and `db_value` give
the columns and values of a new row, as `save()` writes them (also for hiring's submit statement)."""

import functools

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import AutoField, Field, Model, QuerySet

from sportello.core import prepared


def load(model: type[Model], pk, using: str = "default") -> Model | None:
    """The `model` row with primary key `pk`, or None (also for a malformed `pk`)."""
    try:
        pk = model._meta.pk.to_python(pk)
    except (TypeError, ValueError, ValidationError):
        return None
    connection = connections[using]
    sql, names, converters = _statement(model, connection.alias)
    with prepared.cursor(connection) as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, convert in converters:
        for converter in convert:
            values[index] = converter(values[index], column, connection)
    return model.from_db(using, names, values)


@functools.cache
def _statement(model: type[Model], alias: str):
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    table = quote(model._meta.db_table)
    columns = ", ".join(f"{table}.{quote(f.column)}" for f in fields)
    sql = f"SELECT {columns} FROM {table} WHERE {table}.{quote(model._meta.pk.column)} = %s"
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        convert = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if convert:
            converters.append((index, column, tuple(convert)))
    return sql, tuple(f.attname for f in fields), tuple(converters)


def insert_many(model: type[Model], objs: list[Model], using: str = "default") -> None:
    """`bulk_create` for many rows, without setting their ids: COPY on PostgreSQL.

    Django's bulk_create sends each column of a batch as an array parameter that psycopg
    quotes on the client value by value, most of the time it takes for 100,000 ranking rows;
    COPY streams the rows instead. Values are prepared by the fields, as bulk_create does."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        model.objects.using(using).bulk_create(objs, batch_size=2000)
        return
    fields = insert_fields(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([db_value(f, obj, connection) for f in fields])


def delete_rows(queryset: QuerySet) -> int:
    """DELETE the queryset's rows in one statement; how many went.

    `QuerySet.delete()` first loads every row (all its columns) to look for related objects
    whenever some model points at it, even where none does: 5 s for the 100,000 rows of a
    ranking computed again, against 0.06 s. Only for rows whose references the caller has ruled
    out; if one is left, the database's foreign keys still refuse it (when the transaction
    commits)."""
    return queryset._raw_delete(queryset.db)


@functools.cache
def insert_fields(model: type[Model]) -> tuple[Field, ...]:
    """The columns an INSERT of a new `model` row writes: all but an auto-increment key."""
    return tuple(f for f in model._meta.local_concrete_fields if not isinstance(f, AutoField))


def db_value(field: Field, obj: Model, connection):
    """`field`'s value of the new row `obj`, prepared for the database as `save()` does."""
    return field.get_db_prep_save(field.pre_save(obj, True), connection)
