"""Headers every response carries, errors included, and the hosts the app answers for.

Pages with content of their own (the app's shell, the report, the catalogue's pages and
drawings) set a Content-Security-Policy that fits them; everything else (JSON, error
pages, files) gets :data:`DEFAULT_POLICY`, which allows nothing at all. None of it may
be framed (clickjacking), sniffed as another type, or leak its address (tokens live in
paths such as ``/join/<token>``) to another site.
"""

from __future__ import annotations

from flask import Flask, Response, request

DEFAULT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
# A year: browsers then refuse plain http for the site even on the first typed address.
HSTS = "max-age=31536000"


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", DEFAULT_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    # For browsers that predate frame-ancestors.
    headers.setdefault("X-Frame-Options", "DENY")
    # is_secure follows X-Forwarded-Proto only from the COACH_TRUSTED_PROXIES hops
    # (ProxyFix); HSTS over plain http would be ignored by browsers anyway.
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
