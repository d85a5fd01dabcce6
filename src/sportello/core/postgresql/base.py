"""PostgreSQL, with a health check that needs no round trip while the connection is quiet,
and a cursor that has statements prepared (`sportello.core.prepared`).

With CONN_HEALTH_CHECKS Django runs `SELECT 1` on a persistent connection before each
request's first query. When PostgreSQL ends a session (a restart, `pg_terminate_backend`, an
idle timeout) it sends an error and closes the socket, so an idle connection whose socket has
nothing to read is still open and the query is skipped. Anything waiting on the socket, a
connection psycopg already knows is broken, or one not idle gets Django's full check."""

import select

from django.db.backends.postgresql import base
from psycopg import pq

_NEVER_BY_ITSELF = 2**31


class PreparingCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class DatabaseOperations(base.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        if isinstance(cursor, PreparingCursor):  # bound on the server: show it with its values
            return self.compose_sql(sql, params)
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _preparing = False  # a wrapper belongs to one thread, so a flag on it is safe

    def prepared_cursor(self):
        """Django's cursor (health check, reconnect, error wrapping, logging) whose statements
        PostgreSQL prepares once per connection."""
        self._preparing = True
        try:
            return self._cursor()
        finally:
            self._preparing = False

    def create_cursor(self, name=None):
        if not self._preparing or name:
            return super().create_cursor(name)
        if self.connection.prepare_threshold is None:
            # Django turns preparing off; only PreparingCursor asks for it (prepare=True).
            self.connection.prepare_threshold = _NEVER_BY_ITSELF
        standard, self.connection.cursor_factory = self.connection.cursor_factory, PreparingCursor
        try:
            return super().create_cursor(name)
        finally:
            self.connection.cursor_factory = standard

    def is_usable(self):
        if self.connection is not None and _quiet(self.connection.pgconn):
            return True
        return super().is_usable()


def _quiet(pgconn) -> bool:
    if pgconn.status != pq.ConnStatus.OK:
        return False
    if pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([pgconn.socket], [], [], 0)
    return not readable
