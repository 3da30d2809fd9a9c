"""The catalogue over HTTP.

- ``/api/exercises``, ``/api/programs`` (public): localized JSON, cacheable for an hour
  by anyone, revalidated with ``If-None-Match`` (304).
- ``/api/me/swaps`` (signed in): the caller's exercise swaps.
- ``/exercises/illustrations/<name>.svg`` (public): the drawings. The catalogue's
  ``illustration_url`` adds ``?v=<content hash>``, and such a versioned address is
  cached for a year; without the version, for a day.
- ``/catalogue`` (public): a contact sheet of every drawing with its names and alt
  texts in both languages, for reviewing the drawings together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint as PageBlueprint
from flask import Response, current_app, make_response, render_template, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import NotFound

from coach.accounts.auth import caller, signed_in
from coach.catalogue import service
from coach.catalogue.models import ExerciseSwap
from coach.catalogue.schemas import (
    ExerciseDetailSchema,
    ExerciseListSchema,
    ExerciseQuerySchema,
    ExerciseSwapSchema,
    LanguageQuerySchema,
    ProgramListSchema,
    ProgramSchema,
)
from coach.coaching.journal import local_today
from coach.coaching.today import phase_ends_on
from coach.domain.calendar import LANGUAGES

blp = Blueprint(
    "catalogue", __name__, url_prefix="/api", description="Exercises, programs and swaps"
)
pages = PageBlueprint(
    "catalogue_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/catalogue/static",
)

HOUR = 3600
DAY = 24 * HOUR
YEAR = 365 * DAY
DEFAULT_LANGUAGE = "da"
# OpenAPI 3.0 needs a schema for every documented header.
CACHE_HEADERS = {
    "ETag": {
        "description": "Send it back as If-None-Match to get 304 while unchanged",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": "public, max-age=3600", "schema": {"type": "string"}},
    "Vary": {"description": "Accept-Language", "schema": {"type": "string"}},
}
# The contact sheet loads nothing but its own style sheet and drawings.
PAGE_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# A drawing opened on its own may style itself, and nothing else.
DRAWING_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def negotiate_language(requested: str | None) -> str:
    """``?lang=`` if given, else the best language of ``Accept-Language``, else Danish.

    Matched on the primary subtag, in the client's order of preference: werkzeug's
    ``best_match`` prefers an exact ``en`` over a higher-ranked ``da-DK``.
    """
    if requested:
        return requested
    for tag, quality in request.accept_languages:
        primary = tag.split("-")[0].lower()
        if quality > 0 and primary in LANGUAGES:
            return primary
        if quality > 0 and primary == "*":
            break
    return DEFAULT_LANGUAGE


def public(view: Callable[..., Response]) -> Callable[..., Response]:
    """Let any cache keep the answer for an hour and revalidate it by ETag.

    Uses werkzeug's conditional responses rather than flask-smorest's ``@blp.etag``,
    whose 304 goes through the error handler and so loses the ETag, Cache-Control and
    Vary headers that a 304 must repeat.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        response = view(*args, **kwargs)
        response.add_etag()
        response.cache_control.public = True
        response.cache_control.max_age = HOUR
        response.vary.add("Accept-Language")
        return response.make_conditional(request)

    not_modified = blp.alt_response(
        304, description="Not Modified: the If-None-Match ETag is still current"
    )
    return not_modified(wrapper)  # type: ignore[no-any-return]


# -- exercises and programs -----------------------------------------------------------


@blp.route("/exercises")
@public
@blp.arguments(ExerciseQuerySchema(), location="query")
@blp.response(200, ExerciseListSchema, headers=CACHE_HEADERS)
def list_exercises(query: dict[str, str]) -> dict[str, Any]:
    """Every exercise, or those for one body region or with one kind of equipment."""
    language = negotiate_language(query.get("lang"))
    found = service.current_catalogue().find_exercises(
        region=query.get("region"), equipment=query.get("equipment")
    )
    return {"lang": language, "exercises": [service.exercise_in(language, e) for e in found]}


@blp.route("/exercises/<slug>")
@public
@blp.arguments(LanguageQuerySchema(), location="query")
@blp.response(200, ExerciseDetailSchema, headers=CACHE_HEADERS)
@blp.alt_response(404, description="No such exercise")
def get_exercise(query: dict[str, str], slug: str) -> dict[str, Any]:
    """One exercise: cues, dose, muscles, alternatives and its drawing."""
    language = negotiate_language(query.get("lang"))
    exercise = service.exercise_or_404(slug)
    return {"lang": language, **service.exercise_in(language, exercise)}


@blp.route("/programs")
@public
@blp.arguments(LanguageQuerySchema(), location="query")
@blp.response(200, ProgramListSchema, headers=CACHE_HEADERS)
def list_programs(query: dict[str, str]) -> dict[str, Any]:
    """The programs a team can follow (their slugs go in a team's ``program``)."""
    language = negotiate_language(query.get("lang"))
    programs = service.current_catalogue().programs.values()
    return {"lang": language, "programs": [service.program_in(language, p) for p in programs]}


@blp.route("/programs/<slug>")
@public
@blp.arguments(LanguageQuerySchema(), location="query")
@blp.response(200, ProgramSchema, headers=CACHE_HEADERS)
@blp.alt_response(404, description="No such program")
def get_program(query: dict[str, str], slug: str) -> dict[str, Any]:
    """One program with its phases: which exercises, at which dose, in which weeks."""
    language = negotiate_language(query.get("lang"))
    program = service.program_or_404(slug)
    return {"lang": language, **service.program_in(language, program)}


# -- swaps ----------------------------------------------------------------------------


@blp.route("/me/swaps")
class SwapsView(MethodView):
    @signed_in()
    @blp.response(200, ExerciseSwapSchema(many=True))
    def get(self) -> list[ExerciseSwap]:
        """The exercises the caller has swapped, and what they do instead, in the
        program's current phase (a swap is kept until the phase it was chosen in ends)."""
        person = caller()
        return service.swaps_of(person, local_today(person))


@blp.route("/me/swaps/<exercise>")
class SwapView(MethodView):
    @signed_in()
    @blp.arguments(ExerciseSwapSchema())
    @blp.response(200, ExerciseSwapSchema)
    @blp.alt_response(404, description="No such exercise")
    def put(self, data: dict[str, str], exercise: str) -> ExerciseSwap:
        """Do ``replacement`` (one of the exercise's alternatives, of the same kind)
        wherever the program has ``exercise``, for the rest of the program's current
        phase (``kept_until``, its last day); replaces an earlier swap. Another
        exercise, or one of another kind, is 422 on ``replacement``."""
        person = caller()
        kept_until = phase_ends_on(person, local_today(person))
        return service.swap(person, exercise, data["replacement"], kept_until)

    @signed_in()
    @blp.response(204)
    @blp.alt_response(404, description="No such exercise")
    def delete(self, exercise: str) -> None:
        """Go back to the program's own exercise."""
        service.unswap(caller(), exercise)


# -- drawings and the contact sheet ---------------------------------------------------


# The drawings draw the band as var(--band,<green>); ?band=RRGGBB draws it in that colour.
DEFAULT_BAND = b"var(--band,#2e9e5b)"
BAND_COLOUR = re.compile(r"[0-9a-fA-F]{6}")


@pages.route("/exercises/illustrations/<name>")
def illustration(name: str) -> Response:
    """A drawing named by the catalogue; any other name (or path) is 404."""
    drawing = service.illustration(name)
    band = request.args.get("band")
    if drawing is None or (band is not None and not BAND_COLOUR.fullmatch(band)):
        raise NotFound()
    svg, etag = drawing.svg, drawing.etag
    if band is not None:
        # An <img> does not inherit the page's CSS, so the band the person is told to
        # use is drawn in its own colour by the drawing's fallback for --band.
        svg = svg.replace(DEFAULT_BAND, f"var(--band,#{band.lower()})".encode())
        etag = f"{etag}-{band.lower()}"
    response = current_app.response_class(svg, mimetype="image/svg+xml")
    response.set_etag(etag)
    response.cache_control.public = True
    if request.args.get("v") == drawing.etag[:12]:
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = DAY
    response.headers["Content-Security-Policy"] = DRAWING_POLICY
    return response.make_conditional(request)


@pages.route("/catalogue")
def contact_sheet() -> Response:
    """Every drawing side by side with its names and alt texts in both languages."""
    catalogue = service.current_catalogue()
    page = render_template(
        "catalogue/contact_sheet.html",
        exercises=list(catalogue.exercises.values()),
        programs=list(catalogue.programs.values()),
        catalogue=catalogue,
        illustration_url=service.illustration_url,
    )
    response = make_response(page)
    response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response
