"""A person's own record over HTTP: history, progress, export and erasure.

Only ever the caller's own data, for every role: a lead or an admin sees nobody
else's history here (team figures are aggregates, elsewhere).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from coach.accounts.auth import caller, signed_in
from coach.coaching import own_data, progress
from coach.coaching.history_schemas import HistoryDaySchema, HistoryQuerySchema, ProgressSchema
from coach.schemas import csv_download


class _Blueprint(Blueprint):
    def _document_pagination_metadata(self, spec: Any, resp_doc: dict[str, Any]) -> None:
        # flask-smorest documents X-Pagination with a plain object schema, which says
        # the header is "total,3,page,1" (OpenAPI's simple style); it is JSON. A header
        # described by ``content`` says so.
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "Totals and neighbouring pages, as JSON",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}
            },
        }


blp = _Blueprint(
    "own_data", __name__, url_prefix="/api", description="My history, progress and data"
)

PRIVATE = {"Cache-Control": "private, no-store"}


@blp.route("/me/history")
@signed_in()
@blp.arguments(HistoryQuerySchema(), location="query")
@blp.response(200, HistoryDaySchema(many=True))
@blp.paginate(page_size=50, max_page_size=100)
def history(
    query: dict[str, Any], pagination_parameters: PaginationParameters
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """My days with anything logged — sets, cardio, the day's check-in — newest first.

    `from` and `to` (inclusive, in my time zone) narrow the range. Pages of
    `page_size` days (at most 100); the `X-Pagination` header holds the totals as JSON.
    """
    found = progress.history(
        caller(),
        query.get("from_"),
        query.get("to"),
        pagination_parameters.page,
        pagination_parameters.page_size,
    )
    pagination_parameters.item_count = found.total
    return found.days, PRIVATE


@blp.route("/me/progress")
@signed_in()
@blp.response(200, ProgressSchema)
def get_progress() -> tuple[dict[str, Any], dict[str, str]]:
    """My progress: per exercise the top set of each day, my pain per week, sessions per
    week against my program's target over the last 12 weeks, and my current streak."""
    return progress.progress(caller()), PRIVATE


@blp.route("/me/export.csv")
@signed_in()
@csv_download(blp, "coach-data-YYYY-MM-DD.csv")
def export() -> Response:
    """Everything Coach stores about me, as one CSV file (UTF-8 with a byte-order mark).

    The file has sections, each a line `# name`, a header row and one row per record,
    separated by an empty line: `# person`, `# sets`, `# cardio`, `# check-ins`,
    `# overrides`, `# swaps`. Times are ISO 8601 UTC, days YYYY-MM-DD.
    """
    person = caller()
    response = Response(own_data.export_csv(person), mimetype="text/csv")
    response.headers.set(
        "Content-Disposition", "attachment", filename=own_data.export_filename(person)
    )
    response.headers.update(PRIVATE)
    return response


@blp.route("/me", methods=["DELETE"])
@signed_in(unsafe=True)
@blp.response(204)
@blp.alt_response(409, description="I am my workplace's only admin")
def erase_me() -> None:
    """Erase me: my sets, cardio, check-ins, overrides, swaps, sign-ins and my account.

    Every device is signed out. My past sessions stay only in my team's weekly totals,
    which name nobody. A workplace's only admin must first invite another admin (409).
    """
    own_data.erase(caller())
