"""Demo data, so a newcomer sees a working workplace right after ``make run``."""
