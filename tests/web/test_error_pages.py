"""Pages outside /api that do not exist or are not for the caller: the app's own page,
styled, in the person's language, with a way back; /api keeps its JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from coach.domain.roles import Role
from tests.factories import make_person, signed_in_client
from tests.web.browser import axe_violations
from tests.web.conftest import SMALL_PHONE


@pytest.mark.parametrize(
    ("language", "title", "back"),
    [("da", "Siden findes ikke", "Til forsiden"), ("en", "There is no such page", "start page")],
)
def test_an_unknown_page_is_the_apps_404_in_the_browsers_language(
    app: Flask, language: str, title: str, back: str
) -> None:
    response = app.test_client().get(
        "/no/such/page", headers={"Accept-Language": f"{language},de;q=0.5"}
    )
    assert response.status_code == 404 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in page and title in page and back in page
    assert 'href="/"' in page and "/css/app.css" in page
    assert "Werkzeug" not in page and "requested URL" not in page
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_api_addresses_keep_json(app: Flask) -> None:
    response = app.test_client().get("/api/no/such/thing", headers={"Accept-Language": "da"})
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.json["code"] == 404


def test_a_lead_opening_the_report_gets_a_styled_page_with_a_way_back(app: Flask) -> None:
    lead = make_person(Role.LEAD, language="da")
    response = signed_in_client(app, lead).get("/report", headers={"Accept-Language": "en"})
    assert response.status_code == 403 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    # The person's own language wins over the browser's.
    assert "Siden er ikke for dig" in page and 'href="/today"' in page
    assert "Tilbage til I dag" in page and "Forbidden" not in page
    anonymous = app.test_client().get("/report", headers={"Accept-Language": "en"})
    assert anonymous.status_code == 401 and "Sign in first" in anonymous.get_data(as_text=True)


@pytest.mark.browser
def test_the_404_page_fits_a_small_phone_and_passes_axe(
    app: Flask, live_url: str, handset: Callable[..., Any], axe_source: str, shots: Path
) -> None:
    page = handset(SMALL_PHONE, "en-GB")
    response = page.goto(f"{live_url}/no-such-screen/at/all")
    assert response is not None and response.status == 404
    page.get_by_role("heading", name="There is no such page").wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page, axe_source) == []
    page.screenshot(path=shots / "not-found.png")
    page.get_by_role("link", name="To the start page").click()
    page.locator("h1", has_text="Welcome to Coach").wait_for()
