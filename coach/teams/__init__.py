"""Workplaces, their teams and their band sets."""
