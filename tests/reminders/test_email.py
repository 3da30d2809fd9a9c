"""The email fallback, against a minimal SMTP server on 127.0.0.1."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from coach.domain.roles import Role
from coach.extensions import db
from coach.reminders.models import DeliveryAttempt, ReminderClaim, ReminderSettings
from coach.reminders.worker import send_due
from tests.factories import make_person
from tests.reminders.helpers import MONDAY_1125, due_at_once, person_with_device, team_at
from tests.reminders.push_service import Answer, PushService


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 test\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.server.messages.append(data)  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp(app: Flask) -> Iterator[list[bytes]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.daemon_threads = True
    server.messages = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.server_address[1]}"
    try:
        yield server.messages  # type: ignore[attr-defined,no-any-return]
    finally:
        app.config["SMTP_URL"] = None
        server.shutdown()
        server.server_close()


def wants_email(person_id: int) -> None:
    db.session.add(ReminderSettings(person_id=person_id, email_fallback=True))
    db.session.commit()
    due_at_once(person_id)


def test_no_working_device_means_an_email(app: Flask, push: PushService, smtp: list[bytes]) -> None:
    broken, phone = person_with_device(push, email="broken@example.org", language="en")
    wants_email(broken.id)
    push.answer(phone.endpoint.rsplit("/", 1)[-1], Answer(410))
    no_device = make_person(Role.MEMBER, team=team_at(), email="nodevice@example.org")
    wants_email(no_device.id)
    fine, _ = person_with_device(push, email="fine@example.org")
    wants_email(fine.id)
    not_asked = make_person(Role.MEMBER, team=team_at(), email="quiet@example.org")

    summary = send_due(MONDAY_1125)

    assert (summary.emailed, summary.delivered) == (2, 1)
    recipients = sorted(str(message_from_bytes(m, policy=policy.default)["To"]) for m in smtp)
    assert recipients == ["broken@example.org", "nodevice@example.org"]
    english = message_from_bytes(next(m for m in smtp if b"broken@" in m), policy=policy.default)
    assert english["Subject"] == "Reminder: today's training"
    text = english.get_content()
    assert "Time for today's training" in text and "https://coach.test/today" in text
    outcomes: dict[Any, Any] = dict(
        db.session.execute(sa.select(ReminderClaim.person_id, ReminderClaim.outcome)).all()
    )
    assert outcomes == {broken.id: "emailed", no_device.id: "emailed", fine.id: "delivered"}
    assert not_asked.id not in outcomes
    channels = db.session.scalars(
        sa.select(DeliveryAttempt.channel).where(DeliveryAttempt.person_id == broken.id)
    ).all()
    assert sorted(channels) == ["email", "push"]
