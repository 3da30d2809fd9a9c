"""The PWA's files, read once at start, versioned by content and gzipped in memory.

Every file of ``static/`` is served under ``/static/v/<version>/<path>``, where the
version is a hash of all of them: relative ``import`` statements between the ES
modules keep working without a build step, and a changed file gives every file a new
address, so they can all be cached for a year. The shell (``index.html``) and the
service worker are rendered with the version and never cached long; the worker also
gets the app's screens (:mod:`coach.web.screens`), the paths it answers offline.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from coach.web import screens

ROOT = Path(__file__).resolve().parent.parent.parent
STATIC = ROOT / "static"
SERVICE_WORKER = ROOT / "service_worker" / "sw.js"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}
# Already compressed formats gain nothing from gzip.
_COMPRESSIBLE = {".js", ".css", ".html", ".webmanifest", ".svg", ".json"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str


def _asset(body: bytes, suffix: str) -> Asset:
    guessed = mimetypes.guess_type(f"x{suffix}")[0]
    content_type = TYPES.get(suffix) or guessed or "application/octet-stream"
    gzipped = gzip.compress(body, compresslevel=9, mtime=0) if suffix in _COMPRESSIBLE else None
    if gzipped is not None and len(gzipped) >= len(body):
        gzipped = None
    return Asset(body, gzipped, content_type, hashlib.sha256(body).hexdigest()[:16])


@dataclass(frozen=True)
class Bundle:
    version: str
    files: dict[str, Asset]  # path under static/ -> asset
    shell: Asset  # index.html with the version filled in
    worker: Asset  # sw.js with the version, the files to precache and the screens

    @property
    def prefix(self) -> str:
        return f"/static/v/{self.version}"


def load(static: Path = STATIC, worker: Path = SERVICE_WORKER) -> Bundle:
    """Read, version and compress the app's files."""
    raw = {
        p.relative_to(static).as_posix(): p.read_bytes()
        for p in sorted(static.rglob("*"))
        if p.is_file() and p.name != "index.html" and not p.name.startswith(".")
    }
    digest = hashlib.sha256()
    for name, body in raw.items():
        digest.update(name.encode() + b"\0" + body + b"\0")
    shell_source = (static / "index.html").read_text(encoding="utf-8")
    worker_source = worker.read_text(encoding="utf-8")
    screen_pattern = screens.pattern()
    digest.update(shell_source.encode() + worker_source.encode() + screen_pattern.encode())
    version = digest.hexdigest()[:12]
    prefix = f"/static/v/{version}"

    files = {name: _asset(body, Path(name).suffix) for name, body in raw.items()}
    shell = shell_source.replace("{{STATIC}}", prefix)
    # Precached: every file but the screenshots (large, and only the install sheet uses them).
    precache = [f"{prefix}/{name}" for name in raw if not name.startswith("screenshots/")]
    worker_text = (
        worker_source.replace('"{{VERSION}}"', json.dumps(version))
        .replace('["{{PRECACHE}}"]', json.dumps(precache))
        .replace('"{{SCREENS}}"', json.dumps(screen_pattern))
    )
    return Bundle(
        version=version,
        files=files,
        shell=_asset(shell.encode(), ".html"),
        worker=_asset(worker_text.encode(), ".js"),
    )
