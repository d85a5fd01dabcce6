"""Protocol numbers: one sequence per year, no gaps, no duplicates."""

from django.db import connection

from sportello.hiring.models import Application, ProtocolCounter

# The counter row is locked from this statement until COMMIT, so every other submitter waits
# for it: the submit transaction runs it last, when everything else is already written.
_TAKE_POSTGRES = f"""
WITH n AS (
    UPDATE {ProtocolCounter._meta.db_table} SET last = last + 1 WHERE year = %s RETURNING last
)
UPDATE {Application._meta.db_table}
SET protocol = %s || lpad(n.last::text, greatest(6, length(n.last::text)), '0')
FROM n WHERE id = %s
RETURNING protocol
"""
_TAKE_OTHER = (
    f"UPDATE {ProtocolCounter._meta.db_table} SET last = last + 1 WHERE year = %s RETURNING last"
)


def format_protocol(year: int, number: int) -> str:
    return f"{year}/{number:06d}"


def assign_protocol(application_id: int, year: int) -> str:
    """Give the application the next number of `year` and return it.

    Call inside the submit transaction, as its last statement: a rollback gives the number
    back, and the counter row stays locked only for the time the COMMIT takes."""
    if (protocol := _take(application_id, year)) is None:
        ProtocolCounter.objects.get_or_create(year=year)  # once a year
        protocol = _take(application_id, year)
    return protocol


def _take(application_id: int, year: int) -> str | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_TAKE_POSTGRES, [year, f"{year}/", application_id])
            row = cursor.fetchone()
            return row[0] if row else None
        cursor.execute(_TAKE_OTHER, [year])
        row = cursor.fetchone()
    if row is None:
        return None
    protocol = format_protocol(year, row[0])
    Application.objects.filter(pk=application_id).update(protocol=protocol)
    return protocol
