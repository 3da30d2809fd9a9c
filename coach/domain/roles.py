"""Who may do what: the three roles of a workplace."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"  # an employee who trains
    LEAD = "lead"  # a team's key person: runs the team, sees its participation
    ADMIN = "admin"  # the workplace's administrator: all teams, the report


def may_invite(inviter: Role, invitee: Role) -> bool:
    """Leads bring in members and fellow key persons; only admins make admins."""
    if inviter is Role.ADMIN:
        return True
    if inviter is Role.LEAD:
        return invitee in (Role.MEMBER, Role.LEAD)
    return False
