"""Protocol numbers: one sequence per year, no gaps, no duplicates."""

from sportello.hiring.models import ProtocolCounter


def next_protocol(year: int) -> str:
    """Take the next number of `year`. Call inside the submit transaction: the counter row
    stays locked until it commits, and a rollback gives the number back."""
    ProtocolCounter.objects.get_or_create(year=year)
    counter = ProtocolCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}/{counter.last:06d}"
