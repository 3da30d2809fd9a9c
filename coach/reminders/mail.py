"""The email fallback: a reminder by SMTP for a person with no working push device."""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import current_app

from coach.accounts.models import Person
from coach.extensions import db
from coach.reminders.models import DeliveryAttempt
from coach.reminders.texts import TEXTS


def configured() -> bool:
    return bool(current_app.config.get("SMTP_URL"))


def _message(person: Person) -> EmailMessage:
    text = TEXTS.get(person.language, TEXTS["da"])
    public = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    sender = current_app.config.get("MAIL_FROM") or "coach@localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = person.email or ""
    message["Subject"] = text["email_subject"]
    message.set_content(f"{text['title']}\n\n{text['body']}\n\n{public}/today\n")
    return message


def _deliver(message: EmailMessage) -> None:
    url = urlsplit(str(current_app.config["SMTP_URL"]))
    port = url.port or (465 if url.scheme == "smtps" else 25)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname or "localhost", port, timeout=10) as smtp:
        if url.scheme == "smtp" and port == 587:
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def send_reminder(person: Person, now: datetime, claim_id: int | None) -> bool:
    """Email today's reminder; the attempt is logged either way. Not committed."""
    try:
        _deliver(_message(person))
        outcome, detail = "sent", None
    except (OSError, smtplib.SMTPException) as exc:
        outcome, detail = "error", f"{type(exc).__name__}: {exc}"[:200]
    db.session.execute(
        sa.insert(DeliveryAttempt).values(
            person_id=person.id,
            claim_id=claim_id,
            subscription_id=None,
            channel="email",
            attempted_at=now,
            status=None,
            outcome=outcome,
            detail=detail,
        )
    )
    return outcome == "sent"
