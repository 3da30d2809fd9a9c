"""An admin's people: who has an account in the workplace, and removing one who leaves.

Removing a person is erasing them (:func:`coach.coaching.own_data.erase_person`) on an
admin's word: their sessions stay only in their team's anonymous weekly totals, and
everything that names them is deleted, their pain first of all. Every device they are
signed in on gets 401 at its next request, since its session row is gone; the invites
they made are withdrawn, so no link vouched for by someone who left lets anyone in.
"""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.exceptions import Conflict, NotFound

from coach.accounts.models import Invite, Person
from coach.coaching.own_data import erase_person, keep_an_admin
from coach.database import utcnow, valid_id
from coach.extensions import db
from coach.reminders import schedule


def people_of(admin: Person) -> list[Person]:
    """Everyone with an account in the admin's workplace, by name."""
    return list(
        db.session.scalars(
            sa.select(Person)
            .where(Person.workplace_id == admin.workplace_id)
            .options(sa.orm.joinedload(Person.team))
            .order_by(sa.func.lower(Person.display_name), Person.id)
        )
    )


def remove_person(admin: Person, person_id: int) -> None:
    """Remove a person of the admin's workplace (404 for anyone else's). Not oneself
    (that is erasing one's own account) and never the last admin (409)."""
    person = db.session.get(Person, person_id) if valid_id(person_id) else None
    if person is None or person.workplace_id != admin.workplace_id:
        raise NotFound("No such person in your workplace.")
    if person.id == admin.id:
        raise Conflict("You cannot remove yourself here; erase your own account in settings.")
    keep_an_admin(person, "That is the workplace's only admin. Make another admin first.")
    db.session.execute(
        sa.update(Invite)
        .where(Invite.created_by_id == person.id, Invite.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    erase_person(person)
    db.session.flush()
    schedule.refresh_people([person_id])  # no one left to remind: their instant goes
    db.session.commit()
