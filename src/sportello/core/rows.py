"""One model instance by primary key, without building a queryset.

`Model.objects.get(pk=...)` compiles its SQL on every call, which is most of its cost on a
hot path such as the click-day submission (the user behind the session, the call applied to).
`load` builds the statement and the value converters once per model and then only executes
it; the instance is made by `Model.from_db`, as a queryset would make it."""

import functools

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Model

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
