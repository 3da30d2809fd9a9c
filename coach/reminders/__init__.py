"""Daily push reminders: devices, schedules, the worker and delivery."""
