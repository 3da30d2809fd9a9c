"""The one error format of the API, and the guards that keep bad bodies out.

Every 4xx/5xx under ``/api`` is JSON shaped as
``{"code": 422, "status": "Unprocessable Entity", "message": "...", "errors": {...}}``;
``errors`` carries field-level messages when there are any. A conflict may add what
the client needs to carry on (the open session's ``id``, the current ``session``).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, request
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import (
    BadRequest,
    Conflict,
    HTTPException,
    InternalServerError,
    Unauthorized,
    UnsupportedMediaType,
)

from coach.extensions import db
from coach.messages import request_language, translate
from coach.request_body import refusal_of_text

log = logging.getLogger(__name__)

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def error_body(error: HTTPException, language: str = "en") -> dict[str, Any]:
    """The JSON body, its messages in ``language`` (the code writes them in English)."""
    code = error.code or 500
    body: dict[str, Any] = {"code": code, "status": error.name, "message": error.description}
    data = getattr(error, "data", None) or {}
    if "message" in data:
        body["message"] = data["message"]
    body.update(data.get("extra") or {})
    errors = data.get("errors") or data.get("messages")
    if errors:
        body["errors"] = errors
        if code == 422 and "message" not in data:
            body["message"] = "Some fields are missing or invalid; see errors."
    body["message"] = translate(body["message"], language)
    if "errors" in body:
        body["errors"] = translate(body["errors"], language)
    return body


# Where the app's own error page is made for addresses outside /api. The web package
# registers it (coach/web/routes.py), so this shared module needs no capability.
PAGE_RENDERER = "coach.error_page"
# Whether this request is a stranger's to a view behind sign-in; registered by
# coach/accounts/auth.py for the same reason.
STRANGER_CHECK = "coach.stranger_to_signed_in_view"


def render(error: HTTPException) -> Any:
    """The API's JSON answer for an HTTP error; other addresses get the app's page."""
    page = current_app.extensions.get(PAGE_RENDERER)
    if page is not None and not request.path.startswith("/api"):
        return page(error)
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    # Keep the exception's own headers: Allow on 405, Retry-After on 429.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    language = request_language()
    headers["Content-Language"] = language
    headers["Vary"] = "Accept-Language, Cookie"
    return error_body(error, language), code, headers


def _integrity_error(error: IntegrityError) -> Any:
    db.session.rollback()
    log.info("integrity error turned into 409: %s", error.orig)
    return render(Conflict("That conflicts with data already stored."))


def _data_error(error: DataError) -> Any:
    db.session.rollback()
    return render(BadRequest("A value is out of range for what can be stored."))


def _unexpected(error: Exception) -> Any:
    if isinstance(error, HTTPException):
        return render(error)
    db.session.rollback()
    log.exception("unhandled error", exc_info=error)
    return render(InternalServerError(original_exception=error))


def _guard_request() -> None:
    """Refuse what no view could take before any view sees it (400/413/415): text
    that cannot be stored in the path or query, and bodies that are not the JSON the
    API reads (:mod:`coach.request_body`)."""
    if not request.path.startswith("/api"):
        return
    if reason := refusal_of_text(request.path, "The address"):
        raise BadRequest(reason)
    for key, value in request.args.items(multi=True):
        if reason := refusal_of_text(key + value, f"The query parameter {key[:40]!r}"):
            raise BadRequest(reason)
    if request.method not in _BODY_METHODS:
        return
    has_body = (
        bool(request.content_length)
        or request.headers.get("Transfer-Encoding", "").lower() == "chunked"
    )
    if not has_body:
        return
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON (Content-Type: application/json).")
    try:
        request.get_json()  # parsed and cached; a 400 says what is wrong with it
    except BadRequest:
        # Who asks comes first: a view behind sign-in answers 401 to a stranger,
        # whatever the stranger sent.
        stranger = current_app.extensions.get(STRANGER_CHECK)
        if stranger is not None and stranger():
            raise Unauthorized("Sign in first.") from None
        raise


def init_app(app: Flask) -> None:
    """Register after ``api.init_app`` (replaces flask-smorest's HTTP error handler)
    and after ``auth.init_app`` (the body guard asks who is signed in)."""
    app.register_error_handler(HTTPException, render)
    app.before_request(_guard_request)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(DataError, _data_error)
    app.register_error_handler(Exception, _unexpected)
