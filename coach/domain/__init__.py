"""Coach's rules in plain Python: no Flask, SQLAlchemy or marshmallow in here.

Dataclasses in, dataclasses out, so the rules can be tested without an app.
"""
