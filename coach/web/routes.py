"""Pages of the phone app: one shell for every screen, its files and the worker.

The shell is the same HTML for every screen (the ES modules route on the path); it is
revalidated on every load, while the files it names live under a versioned address
and are cached for a year. Everything is gzipped once, at start, in memory.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import NotFound

from coach import errors
from coach.web import assets, screens
from coach.web.error_pages import error_page

web = Blueprint("web", __name__, template_folder="templates")

YEAR = 365 * 24 * 3600
# No inline scripts or styles anywhere: drawings are <img> elements (their own <style>
# stays inside the image), charts are built with the DOM, colours set through CSSOM.
APP_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def bundle() -> assets.Bundle:
    return current_app.extensions["coach_web"]  # type: ignore[no-any-return]


def _send(asset: assets.Asset, cache_control: str) -> Response:
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    use_gzip = asset.gzipped is not None and accepts_gzip
    response = current_app.response_class(
        asset.gzipped if use_gzip else asset.body, content_type=asset.content_type
    )
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    if asset.gzipped is not None:
        response.vary.add("Accept-Encoding")
    # The ETag names the content; the gzipped body is a different representation.
    response.set_etag(asset.etag + ("-gz" if use_gzip else ""))
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)


def screen(**_values: object) -> Response:
    """A screen of the app (``coach.web.screens``): the shell, which routes on the path;
    the API decides what the person may see there."""
    response = _send(bundle().shell, "no-cache")
    response.headers["Content-Security-Policy"] = APP_POLICY
    return response


for rule in screens.RULES:
    web.add_url_rule(rule, "screen", screen)


@web.route("/static/v/<version>/<path:name>")
def static_file(version: str, name: str) -> Response:
    """A versioned file: cached for a year; an old version is answered with the new file."""
    asset = bundle().files.get(name)
    if asset is None:
        raise NotFound()
    if version != bundle().version:
        # A page or worker of the previous version asked: serve today's file, briefly.
        return _send(asset, "no-cache")
    return _send(asset, f"public, max-age={YEAR}, immutable")


@web.route("/sw.js")
def service_worker() -> Response:
    """The service worker, from the site root so it may control every page."""
    response = _send(bundle().worker, "no-cache")
    # A worker runs under its script's own policy: it fetches and caches the app's
    # files, which the default policy for files (nothing allowed) would block.
    response.headers["Content-Security-Policy"] = APP_POLICY
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def init_app(app: Flask) -> None:
    app.extensions["coach_web"] = assets.load()
    app.extensions[errors.PAGE_RENDERER] = error_page
    app.register_blueprint(web)
