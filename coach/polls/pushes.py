"""The two pushes of a poll, through the reminders' delivery path: "a poll opened" to
the team's members but the one who opened it, and "the result" to every member. Each is
sent by whoever made the change (the creation, or the one close or decision that
happened), so each goes out once; the push topic names the poll, so a message still
queued for an offline phone is replaced rather than doubled."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from coach.catalogue.service import current_catalogue
from coach.domain import polls
from coach.extensions import db
from coach.polls.models import Poll, PollOption
from coach.polls.phases import member_ids
from coach.reminders.service import PushMessage, push_to_people
from coach.teams.models import Team

DAY_NAMES = {
    "da": ("man", "tir", "ons", "tor", "fre", "lør", "søn"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
TEXTS = {
    "da": {
        "opened_title": "Holdet stemmer",
        "opened_exercises": "Vælg jeres øvelser fra uge {week} — stem inden {closes}",
        "opened_time": "Hvornår skal I træne? Stem inden {closes}",
        "vote": "Stem",
        "result_title": "Holdet har valgt",
        "result_exercises": "Fra uge {week}: {choice} ({votes} af {voted} stemmer)",
        "result_time": "Fra i morgen: kl. {choice} ({votes} af {voted} stemmer)",
    },
    "en": {
        "opened_title": "Your team is voting",
        "opened_exercises": "Choose your exercises from week {week} — vote by {closes}",
        "opened_time": "When should you train? Vote by {closes}",
        "vote": "Vote",
        "result_title": "Your team has chosen",
        "result_exercises": "From week {week}: {choice} ({votes} of {voted} votes)",
        "result_time": "From tomorrow: {choice} ({votes} of {voted} votes)",
    },
}
PATH = "/team/polls"


def _language(language: str) -> str:
    return language if language in TEXTS else "da"


def days_text(days: list[int], language: str) -> str:
    names = DAY_NAMES[_language(language)]
    return ", ".join(names[d - 1] for d in sorted(days))


def choice_text(poll: Poll, value: dict[str, object], language: str) -> str:
    language = _language(language)
    if poll.kind == "exercises":
        exercises = current_catalogue().exercises
        return ", ".join(
            exercises[s].name.in_language(language)
            for s in value["exercises"]  # type: ignore[attr-defined]
            if s in exercises
        )
    days = days_text(list(value["days"]), language)  # type: ignore[call-overload]
    return f"{value['time']} ({days})"


def _closes(poll: Poll, language: str) -> str:
    team = db.session.get_one(Team, poll.team_id)  # its zone names the closing time
    local = poll.closes_at.astimezone(ZoneInfo(team.workplace.time_zone))
    weekday = DAY_NAMES[_language(language)][local.weekday()]
    return f"{weekday} {local:%H:%M}"


def opened_message(poll: Poll, language: str) -> PushMessage:
    text = TEXTS[_language(language)]
    closes = _closes(poll, language)
    body = (
        text["opened_exercises"].format(week=poll.first_week, closes=closes)
        if poll.kind == "exercises"
        else text["opened_time"].format(closes=closes)
    )
    return PushMessage(
        text["opened_title"],
        body,
        PATH,
        f"coach-poll-{poll.id}",
        _language(language),
        (("vote", text["vote"]),),
    )


def result_message(poll: Poll, option: PollOption, language: str) -> PushMessage:
    text = TEXTS[_language(language)]
    key = "result_exercises" if poll.kind == "exercises" else "result_time"
    body = text[key].format(
        week=poll.first_week,
        choice=choice_text(poll, option.value, language),
        votes=option.votes or 0,
        voted=poll.voted or 0,
    )
    return PushMessage(
        text["result_title"], body, PATH, f"coach-poll-{poll.id}", _language(language)
    )


def announce_opened(poll_id: int) -> None:
    poll = db.session.get_one(Poll, poll_id)
    people = [p for p in member_ids(poll.team_id) if p != poll.created_by_id]
    messages = {language: opened_message(poll, language) for language in TEXTS}
    push_to_people(
        people,
        lambda language: messages[_language(language)],
        topic=f"poll{poll.id}",
        ttl_seconds=int(polls.MAX_OPEN.total_seconds()),
    )


def announce_result(poll_id: int) -> None:
    poll = db.session.get_one(Poll, poll_id)
    if poll.status != "decided" or poll.winner is None:
        return  # a tie: the result comes when the lead decides
    option = db.session.get_one(PollOption, (poll.id, poll.winner))
    messages = {language: result_message(poll, option, language) for language in TEXTS}
    push_to_people(
        member_ids(poll.team_id),
        lambda language: messages[_language(language)],
        topic=f"poll{poll.id}",
        ttl_seconds=24 * 3600,
    )
