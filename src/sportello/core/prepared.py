"""A cursor whose statements PostgreSQL prepares once per connection, for hot paths.

Django binds parameters on the client and never prepares a statement (so that connection
poolers in transaction mode keep working). For the few statements of the click-day submission
that costs PostgreSQL most of its work: it parses and plans the whole statement again each
time. This cursor binds on the server and prepares: psycopg keeps each statement prepared on
its connection and later runs send only the parameters (a third less PostgreSQL CPU per
submission). A pooler in transaction mode must then track prepared statements (PgBouncer
≥ 1.21 with `max_prepared_statements`).

Other backends get Django's usual cursor. Either way the cursor is Django's wrapper: errors
become Django's exceptions and the statements are logged like any other."""

from django.db import connections

from sportello.core.postgresql.base import DatabaseWrapper, PreparingCursor

_NEVER_BY_ITSELF = 2**31


def cursor(connection):
    connection = connections[connection.alias]  # not `django.db.connection`, its proxy
    if not isinstance(connection, DatabaseWrapper):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        if connection.connection.prepare_threshold is None:
            # Django turns preparing off; only this cursor asks for it (prepare=True).
            connection.connection.prepare_threshold = _NEVER_BY_ITSELF
        raw = PreparingCursor(connection.connection)
    return connection._prepare_cursor(raw)
