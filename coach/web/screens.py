"""The app's screens: every address at which the server answers with the shell.

One list for both sides: :mod:`coach.web.routes` serves the shell at these rules, and
the service worker gets the same rules as one regular expression (written into it by
:mod:`coach.web.assets`), so a screen reloaded offline is answered from the worker's
cache, and a screen added here is one the worker knows. Other pages (the printable
report, the CSV exports, the catalogue's contact sheet) are not screens: the worker
leaves them to the network, so nothing else is ever stored as the shell.
"""

from __future__ import annotations

import re

from werkzeug.routing import Map, parse_converter_args

RULES: tuple[str, ...] = (
    "/",
    "/today",
    "/checkin",
    "/progress",
    "/history",
    "/settings",
    "/team",
    "/team/plan",
    "/team/polls",
    "/team/people",
    # A team's screens for its lead or an admin; the API decides what they may see.
    "/team/<int:team_id>",
    "/team/<int:team_id>/<any(invites, settings, polls):part>",
    # A live session on a phone, and its shared screen for the corridor.
    "/session/<uuid:session_id>",
    "/session/<uuid:session_id>/screen",
    # An invite link, and a sign-in link for a new phone: the screen reads the token.
    "/join/<token>",
    "/sign-in/<token>",
)

# Werkzeug's placeholder: <name>, <converter:name> or <converter(arguments):name>.
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>\w+)>")
# What has a meaning of its own in a JavaScript regular expression.
_SPECIAL = re.compile(r"[.*+?^${}()|[\]\\]")


def _literal(text: str) -> str:
    return _SPECIAL.sub(lambda match: "\\" + match.group(0), text)


def _rule_pattern(rule: str, url_map: Map) -> str:
    """``rule`` as a regular expression that matches what Werkzeug's rule matches."""
    parts, position = [], 0
    for placeholder in PLACEHOLDER.finditer(rule):
        parts.append(_literal(rule[position : placeholder.start()]))
        arguments = placeholder["arguments"]
        args, kwargs = parse_converter_args(arguments) if arguments else ((), {})
        converter = url_map.converters[placeholder["converter"] or "default"]
        parts.append(f"(?:{converter(url_map, *args, **kwargs).regex})")
        position = placeholder.end()
    parts.append(_literal(rule[position:]))
    return "".join(parts)


def pattern(rules: tuple[str, ...] = RULES) -> str:
    """The source of one regular expression, valid in JavaScript and in Python, that
    matches exactly the paths of ``rules`` (Werkzeug's converters' own expressions)."""
    url_map = Map()
    return "^(?:" + "|".join(_rule_pattern(rule, url_map) for rule in rules) + ")$"
