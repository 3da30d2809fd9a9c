"""How the app's pages and files are served: CSP, versions, caching, compression."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.web.routes import APP_POLICY
from tests.web.browser import sample_paths, screen_paths

STATIC = Path(__file__).resolve().parents[2] / "static"


def asset_urls(client: FlaskClient) -> list[str]:
    shell = client.get("/").get_data(as_text=True)
    return re.findall(r'(?:href|src)="(/static/v/[^"]+)"', shell)


SHELL_PATHS = screen_paths()


@pytest.mark.parametrize("path", SHELL_PATHS)
def test_every_screen_is_the_shell_under_a_strict_policy(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == APP_POLICY
    assert "unsafe-inline" not in APP_POLICY and "unsafe-eval" not in APP_POLICY
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "<script>" not in body and "style=" not in body and "<style" not in body


def test_every_screen_the_app_routes_is_served_on_reload(client: FlaskClient) -> None:
    """A phone reloading (or opening a link to) any screen of app.js gets the shell."""
    app_js = (STATIC / "js" / "app.js").read_text()
    screens = re.findall(r"^  '(/[a-z-]*)': \(\) => import", app_js, re.M)
    assert "/history" in screens and "/today" in screens
    fixed = {"/join": "/join/abc", "/sign-in": "/sign-in/abc", "/session": None}
    for screen in screens:
        path = fixed.get(screen, screen)
        if path is not None:
            assert client.get(path).status_code == 200, path
    team_js = (STATIC / "js" / "screens" / "team.js").read_text()
    for part in re.findall(r"^  ([a-z]+): \(\) => import", team_js, re.M):
        if part != "overview":
            assert any(p.endswith(f"/{part}") for p in SHELL_PATHS), part


def worker_screens(client: FlaskClient) -> re.Pattern[str]:
    """The service worker's screens, as the served worker has them."""
    source = client.get("/sw.js").get_data(as_text=True)
    (literal,) = re.findall(r'^const SCREENS = new RegExp\(("(?:[^"\\]|\\.)*")\);$', source, re.M)
    return re.compile(json.loads(literal))


def test_the_worker_answers_offline_exactly_where_the_server_serves_the_shell(
    app: Flask, client: FlaskClient
) -> None:
    """Every GET route of the app, with sample values: the worker takes a navigation to
    it as a screen (the cached shell when offline) if and only if the server answers it
    with the shell."""
    screens = worker_screens(client)
    shell = client.get("/").data
    walked = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        for path in sample_paths(rule.rule):
            if path.startswith("/api/"):
                assert not screens.match(path), path
                continue
            response = client.get(path)
            is_shell = response.status_code == 200 and response.data == shell
            assert bool(screens.match(path)) == is_shell, (path, response.status_code)
            walked.append(path)
    assert {"/team/polls", "/team/people", "/team/7/polls", "/report", "/sw.js"} <= set(walked)
    for path in ("/team/abc", "/team/7/other", "/team/plan/7", "/session/abc", "/today/more"):
        assert client.get(path).status_code == 404
        assert not screens.match(path), path


@pytest.mark.parametrize("path", ["/team/abc", "/team/7/other", "/team/plan/7"])
def test_paths_that_are_no_team_screen_are_not_found(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_files_are_versioned_gzipped_and_cached_for_a_year(client: FlaskClient) -> None:
    urls = asset_urls(client)
    assert any(u.endswith("/js/app.js") for u in urls)
    for url in urls:
        plain = client.get(url)
        zipped = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert plain.status_code == zipped.status_code == 200, url
        assert "immutable" in zipped.headers["Cache-Control"]
        if url.endswith((".js", ".css", ".webmanifest")):
            assert zipped.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(zipped.data) == plain.data
            assert "Accept-Encoding" in zipped.headers["Vary"]
        revalidated = client.get(
            url, headers={"If-None-Match": zipped.headers["ETag"], "Accept-Encoding": "gzip"}
        )
        assert revalidated.status_code == 304


def test_an_old_version_gets_the_current_file_uncached(client: FlaskClient) -> None:
    response = client.get("/static/v/000000000000/js/app.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/v/000000000000/js/nothing.js").status_code == 404
    assert client.get("/static/v/000000000000/../coach/__init__.py").status_code == 404


def test_the_worker_is_served_from_the_root_with_its_version(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    version = asset_urls(client)[0].split("/")[3]
    assert f'const VERSION = "{version}"' in source
    assert "{{" not in source
    assert f"/static/v/{version}/js/app.js" in source
