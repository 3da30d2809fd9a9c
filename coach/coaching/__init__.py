"""Coaching: today's routine, logged sets, cardio, check-ins and progress."""
