"""The VAPID key pair that identifies this server to push services."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app
from py_vapid import Vapid02

from coach.reminders.delivery import VapidSigner, public_key_of

KEY_FILE = "vapid_private_key.pem"


def load_vapid(text: str) -> Vapid02:
    """A key in PEM (as generated) or raw/DER base64url (as other tools print it)."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return Vapid02.from_pem(text.encode())
    return Vapid02.from_string(text)


def _instance_key(path: Path) -> str:
    if path.exists():
        return path.read_text()
    vapid = Vapid02()
    vapid.generate_keys()
    pem = vapid.private_pem().decode()
    # O_EXCL: if two processes start at once, one writes and the other reads.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(fd, "w") as f:
        f.write(pem)
    return pem


def contact(app: Flask) -> str:
    configured = app.config.get("VAPID_CONTACT")
    if configured:
        return str(configured)
    public = app.config.get("PUBLIC_URL") or ""
    if public.startswith("https://"):
        return f"https://{urlsplit(public).netloc}"
    return "mailto:reminders@coach.invalid"


def init_app(app: Flask) -> None:
    text = app.config.get("VAPID_PRIVATE_KEY") or _instance_key(Path(app.instance_path) / KEY_FILE)
    vapid = load_vapid(text)
    app.extensions["coach.vapid"] = vapid
    app.extensions["coach.vapid_public_key"] = public_key_of(vapid)
    # One signer per process: its tokens outlive a pass of the worker (every 30 s).
    app.extensions["coach.vapid_signer"] = VapidSigner(vapid, contact(app))


def vapid() -> Vapid02:
    return current_app.extensions["coach.vapid"]  # type: ignore[no-any-return]


def public_key() -> str:
    return current_app.extensions["coach.vapid_public_key"]  # type: ignore[no-any-return]


def signer() -> VapidSigner:
    return current_app.extensions["coach.vapid_signer"]  # type: ignore[no-any-return]
