"""Hiring business rules with no HTTP: `check_*` validates and locks, `do_*` writes."""
