"""A cursor whose statements PostgreSQL prepares once per connection, for hot paths.

Django binds parameters on the client and never prepares a statement (so that connection
poolers in transaction mode keep working). For the few statements of the click-day submission
that costs PostgreSQL most of its work: it parses and plans the whole statement again each
time. This cursor binds on the server and prepares: psycopg keeps each statement prepared on
its connection and later runs send only the parameters. Together with the quiet-connection
health check (core/postgresql) that took 40 to 47 % off PostgreSQL's CPU per submission in
bench/hiring_burst.py's before/after runs. A pooler in transaction mode must then track
prepared statements (PgBouncer ≥ 1.21 with `max_prepared_statements`).

Other backends get Django's usual cursor. Either way the cursor is Django's wrapper: errors
become Django's exceptions and the statements are logged like any other."""

from django.db import connections

from sportello.core.postgresql.base import DatabaseWrapper


def cursor(connection):
    connection = connections[connection.alias]  # not `django.db.connection`, its proxy
    if isinstance(connection, DatabaseWrapper):
        return connection.prepared_cursor()
    return connection.cursor()
