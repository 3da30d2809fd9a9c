"""What the API says to a person, in their language.

The code writes its messages in English (the API's documented language, and the
catalogue's keys); :func:`translate` gives a message in the person's language on the
way out (:mod:`coach.errors`). A key is the English text with ``{name}`` where a value
is filled in; the Danish text uses the same names. tests/test_server_messages.py fails
on any message in the code, marshmallow's or werkzeug's that has no Danish text here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from flask import current_app, has_request_context, request

from coach.domain.calendar import LANGUAGES

# Registered by coach/accounts/auth.py: the signed-in person's language setting, or None.
PERSON_LANGUAGE = "coach.person_language"

_OPS = {
    "greater than or equal to": "større end eller lig med",
    "greater than": "større end",
    "less than or equal to": "mindre end eller lig med",
    "less than": "mindre end",
}

DANISH: Mapping[str, str] = {
    # -- marshmallow's and webargs' field messages ---------------------------------
    "Missing data for required field.": "Feltet skal udfyldes.",
    "Field may not be null.": "Feltet må ikke være tomt (null).",
    "Unknown field.": "Ukendt felt.",
    "Invalid input type.": "Forkert type.",
    "Invalid type.": "Forkert type.",
    "Invalid value.": "Ugyldig værdi.",
    "Invalid input.": "Ugyldigt input.",
    "Not a valid string.": "Ikke en tekst.",
    "Not a valid utf-8 string.": "Ikke gyldig UTF-8-tekst.",
    "Not a valid integer.": "Ikke et helt tal.",
    "Not a valid number.": "Ikke et tal.",
    "Number too large.": "Tallet er for stort.",
    "Special numeric values (nan or infinity) are not permitted.": (
        "Særlige talværdier (nan eller uendelig) er ikke tilladt."
    ),
    "Not a valid boolean.": "Ikke sand eller falsk.",
    "Not a valid list.": "Ikke en liste.",
    "Not a valid tuple.": "Ikke en række af værdier.",
    "Not a valid mapping type.": "Ikke et objekt.",
    "Not a valid UUID.": "Ikke et gyldigt UUID.",
    "Not a valid email address.": "Ikke en gyldig e-mailadresse.",
    "Not a valid URL.": "Ikke en gyldig adresse (URL).",
    "Not a valid date.": "Ikke en gyldig dato.",
    "Not a valid datetime.": "Ikke et gyldigt tidspunkt.",
    "Not a valid time.": "Ikke et gyldigt klokkeslæt.",
    "Not a valid naive datetime.": "Ikke et gyldigt tidspunkt uden tidszone.",
    "Not a valid aware datetime.": "Ikke et gyldigt tidspunkt med tidszone.",
    '"{input}" cannot be formatted as a date.': '"{input}" kan ikke skrives som en dato.',
    '"{input}" cannot be formatted as a datetime.': (
        '"{input}" kan ikke skrives som et tidspunkt.'
    ),
    '"{input}" cannot be formatted as a time.': '"{input}" kan ikke skrives som et klokkeslæt.',
    "Must be one of: {choices}.": "Skal være en af: {choices}.",
    "String does not match expected pattern.": "Teksten har ikke den forventede form.",
    "Shorter than minimum length {min}.": "Kortere end mindst {min}.",
    "Longer than maximum length {max}.": "Længere end højst {max}.",
    "Length must be between {min} and {max}.": "Længden skal være mellem {min} og {max}.",
    "Length must be {equal}.": "Længden skal være {equal}.",
    "Must be equal to {other}.": "Skal være lig med {other}.",
    "Invalid JSON body.": "Kroppen er ikke gyldig JSON.",
    **{f"Must be {en} {{min}}.": f"Skal være {da} {{min}}." for en, da in _OPS.items()},
    **{f"Must be {en} {{max}}.": f"Skal være {da} {{max}}." for en, da in _OPS.items()},
    **{
        f"Must be {low_en} {{min}} and {high_en} {{max}}.": (
            f"Skal være {low_da} {{min}} og {high_da} {{max}}."
        )
        for low_en, low_da in list(_OPS.items())[:2]
        for high_en, high_da in list(_OPS.items())[2:]
    },
    # -- werkzeug's words when a view gives none ------------------------------------
    "The browser (or proxy) sent a request that this server could not understand.": (
        "Forespørgslen kunne ikke forstås."
    ),
    "The server could not verify that you are authorized to access the URL requested. You "
    "either supplied the wrong credentials (e.g. a bad password), or your browser doesn't "
    "understand how to supply the credentials required.": "Log ind først.",
    "You don't have the permission to access the requested resource. It is either "
    "read-protected or not readable by the server.": "Du har ikke adgang til det.",
    "The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again.": "Der er intet på den adresse.",
    "The method is not allowed for the requested URL.": "Adressen tager ikke imod den metode.",
    "A conflict happened while processing the request. The resource might have been modified "
    "while the request was being processed.": "Det passer ikke med det, der allerede er gemt.",
    "The data value transmitted exceeds the capacity limit.": "Det sendte er for stort.",
    "The server does not support the media type transmitted in the request.": (
        "Serveren tager ikke imod den slags indhold."
    ),
    "The request was well-formed but was unable to be followed due to semantic errors.": (
        "Forespørgslen kunne ikke udføres, som den er."
    ),
    "This user has exceeded an allotted request count. Try again later.": (
        "For mange forsøg. Prøv igen senere."
    ),
    "The server encountered an internal error and was unable to complete your request. "
    "Either the server is overloaded or there is an error in the application.": (
        "Der gik noget galt på serveren. Prøv igen om lidt."
    ),
    "The server is temporarily unable to service your request due to maintenance downtime or "
    "capacity problems. Please try again later.": (
        "Serveren kan ikke svare lige nu. Prøv igen om lidt."
    ),
    "The length of the requested URL exceeds the capacity limit for this server. The request "
    "cannot be processed.": "Adressen er for lang.",
    "One or more header fields exceeds the maximum size.": (
        "Et eller flere headerfelter er for store."
    ),
    # -- the API's own words --------------------------------------------------------
    "Some fields are missing or invalid; see errors.": (
        "Nogle felter mangler eller er ugyldige; se errors."
    ),
    "Sign in first.": "Log ind først.",
    "Your role does not allow this.": "Din rolle giver ikke lov til det.",
    "Missing or wrong {header} header.": "Headeren {header} mangler eller er forkert.",
    "That conflicts with data already stored.": "Det passer ikke med det, der allerede er gemt.",
    "A value is out of range for what can be stored.": "En værdi er uden for det, der kan gemmes.",
    "Send the body as JSON (Content-Type: application/json).": (
        "Send kroppen som JSON (Content-Type: application/json)."
    ),
    "The body is not valid JSON (UTF-8).": "Kroppen er ikke gyldig JSON (UTF-8).",
    "The body is nested more than {depth} levels deep.": (
        "Kroppen er indlejret mere end {depth} niveauer dybt."
    ),
    "The key {key} appears twice in one object.": "Nøglen {key} står to gange i ét objekt.",
    "The number {number} is too large.": "Tallet {number} er for stort.",
    "The integer {number} is too large.": "Heltallet {number} er for stort.",
    "{name} is not a JSON number.": "{name} er ikke et JSON-tal.",
    "The query parameter {name} contains a NUL character.": (
        "Forespørgselsparameteren {name} indeholder et NUL-tegn."
    ),
    "The address contains a NUL character.": "Adressen indeholder et NUL-tegn.",
    "{what} contains a NUL character.": "{what} indeholder et NUL-tegn.",
    "{what} contains a lone surrogate ({code}), which is not text.": (
        "{what} indeholder et enligt surrogat ({code}), som ikke er tekst."
    ),
    "Use a date between 2000-01-01 and 2100-12-31.": (
        "Brug en dato mellem 2000-01-01 og 2100-12-31."
    ),
    "Not an IANA time zone name, such as Europe/Copenhagen.": (
        "Ikke navnet på en IANA-tidszone, som Europe/Copenhagen."
    ),
    "Must not be blank.": "Må ikke være tomt.",
    "Not a string.": "Ikke en tekst.",
    "Must not be after 'to'.": "Må ikke ligge efter 'to'.",
    "Use 10 to 200 characters.": "Brug 10 til 200 tegn.",
    "Not base64url.": "Ikke base64url.",
    "Not base64url: {what}.": "Ikke base64url: {what}.",
    "{what} must be {length} bytes, not {given}.": "{what} skal være {length} bytes, ikke {given}.",
    "{what} must be a P-256 public key.": "{what} skal være en offentlig P-256-nøgle.",
    "Not a program slug.": "Ikke et programnavn (slug).",
    "Not an exercise slug.": "Ikke et øvelsesnavn (slug).",
    "Not a slug (lower-case words joined by -).": "Ikke et navn af små ord forbundet med -.",
    "Not an SVG file name such as lateral-raise.svg.": (
        "Ikke et SVG-filnavn som lateral-raise.svg."
    ),
    "missing translation": "oversættelse mangler",
    "Give reps_min and reps_max together.": "Giv reps_min og reps_max sammen.",
    "Must not exceed reps_max.": "Må ikke være over reps_max.",
    "Must not be less than seconds.": "Må ikke være mindre end seconds.",
    "Give a repetition range (reps_min, reps_max) or seconds.": (
        "Giv et interval af gentagelser (reps_min, reps_max) eller seconds."
    ),
    "The hold rule needs seconds.": "Reglen hold kræver seconds.",
    "The {rule} rule needs reps_min and reps_max.": "Reglen {rule} kræver reps_min og reps_max.",
    "One set to failure means sets: 1.": "Ét sæt til udmattelse betyder sets: 1.",
    "Give an exercise with its dose, or a cardio session.": (
        "Giv en øvelse med dens dosis eller en konditionstræning."
    ),
    "A cardio item has no exercise or dose.": "Konditionstræning har ingen øvelse eller dosis.",
    "A hold needs seconds.": "Et hold kræver seconds.",
    "Counted reps need reps_min and reps_max.": "Talte gentagelser kræver reps_min og reps_max.",
    "No such team.": "Holdet findes ikke.",
    "The workplace already has a team named {name}.": (
        "Arbejdspladsen har allerede et hold ved navn {name}."
    ),
    "Give a day from {earliest} to {latest}: at most {months} months back or {days} days ahead.": (
        "Giv en dag fra {earliest} til {latest}: højst {months} måneder tilbage eller "
        "{days} dage frem."
    ),
    "No such program; GET /api/programs lists them.": (
        "Programmet findes ikke; GET /api/programs viser dem."
    ),
    "No exercise {slug} in the catalogue.": "Øvelsen {slug} findes ikke i kataloget.",
    "No program {slug} in the catalogue.": "Programmet {slug} findes ikke i kataloget.",
    "{replacement} is not an alternative to {exercise} (alternatives: {listed})": (
        "{replacement} er ikke et alternativ til {exercise} (alternativer: {listed})"
    ),
    "{replacement} is a {kind} exercise and {exercise} is a {other} exercise; a swap must "
    "keep the kind": (
        "{replacement} er en øvelse af typen {kind}, og {exercise} er af typen {other}; "
        "et bytte skal beholde typen"
    ),
    "No such set.": "Sættet findes ikke.",
    "No such cardio session.": "Konditionstræningen findes ikke.",
    "No check-in that day.": "Intet tjek ind den dag.",
    "This id is already used for different content. Make a new id.": (
        "Dette id er allerede brugt til noget andet. Lav et nyt id."
    ),
    "Lies in the future.": "Ligger i fremtiden.",
    "Lies before you joined.": "Ligger før du kom med.",
    "Unknown exercise {slug}.": "Ukendt øvelse {slug}.",
    "Not a band of your workplace: {keys}.": "Ikke en elastik på din arbejdsplads: {keys}.",
    "{slug} uses a band: give band_level, not kg.": (
        "{slug} bruger en elastik: giv band_level, ikke kg."
    ),
    "{slug} uses a {equipment}: give load_kg.": "{slug} bruger en {equipment}: giv load_kg.",
    "{slug} uses body weight: no band or kg.": "{slug} bruger kropsvægt: ingen elastik eller kg.",
    "{slug} is a timed hold: give hold_seconds.": ("{slug} er et hold på tid: giv hold_seconds."),
    "{slug} is a timed hold: no reps.": "{slug} er et hold på tid: ingen gentagelser.",
    "{slug} counts repetitions: give reps.": "{slug} tæller gentagelser: giv reps.",
    "{slug} counts repetitions: no hold_seconds.": (
        "{slug} tæller gentagelser: ingen hold_seconds."
    ),
    "{slug} uses a band: which one?": "{slug} bruger en elastik: hvilken?",
    "{slug} uses a {equipment}: how many kg?": "{slug} bruger en {equipment}: hvor mange kg?",
    "{slug} uses body weight: there is no load to choose.": (
        "{slug} bruger kropsvægt: der er ingen belastning at vælge."
    ),
    "Not a live session you have joined.": "Ikke en fællestræning, du er med i.",
    "Answer at least one question.": "Svar på mindst ét spørgsmål.",
    "The workplace has no instruction plan yet.": (
        "Arbejdspladsen har ingen instruktionsplan endnu."
    ),
    "Person {person} is not a lead of team {team}: key persons are the team's leads.": (
        "Person {person} er ikke leder af hold {team}: nøglepersoner er holdets ledere."
    ),
    "The project must end on or after its start.": (
        "Projektet skal slutte på eller efter sin start."
    ),
    "A project may last at most {months} months: from {starts} it must end by {latest}.": (
        "Et projekt må højst vare {months} måneder: fra {starts} skal det slutte senest {latest}."
    ),
    "At most {limit} instructor weeks in total; this plan has {count}.": (
        "Højst {limit} instruktøruger i alt; denne plan har {count}."
    ),
    "A week is listed twice.": "En uge står der to gange.",
    "Give each instructor week by its Monday.": "Angiv hver instruktøruge ved dens mandag.",
    "Instructor weeks must lie within the project: {weeks} do not.": (
        "Instruktøruger skal ligge i projektet: {weeks} gør ikke."
    ),
    "Program week {week} (week of {monday}) begins new exercises without an instructor week.": (
        "Programuge {week} (ugen fra {monday}) begynder nye øvelser uden en instruktøruge."
    ),
    "{value} is not a time of day as HH:MM (00:00-23:59)": (
        "{value} er ikke et klokkeslæt som TT:MM (00:00-23:59)"
    ),
    "The push endpoint is not a URL.": "Push-adressen er ikke en URL.",
    "A push endpoint has no user name or password in it.": (
        "En push-adresse har intet brugernavn eller adgangskode i sig."
    ),
    "A push endpoint has no #fragment.": "En push-adresse har intet #fragment.",
    "The push endpoint has no host.": "Push-adressen har ingen vært.",
    "A push endpoint is an https:// URL.": "En push-adresse er en https://-URL.",
    "A push endpoint uses the https port, 443.": "En push-adresse bruger https-porten, 443.",
    "A push endpoint names its push service, not an IP address.": (
        "En push-adresse nævner sin push-tjeneste, ikke en IP-adresse."
    ),
    "{host} is not a browser's push service (Google FCM, Mozilla, Apple or Windows).": (
        "{host} er ikke en browsers push-tjeneste (Google FCM, Mozilla, Apple eller Windows)."
    ),
    "No such subscription of yours.": "Du har ikke det abonnement.",
    "This phone's subscription is not stored for this device.": (
        "Telefonens abonnement er ikke gemt for denne enhed."
    ),
    "No such session.": "Fællestræningen findes ikke.",
    "Only members of the team take part in its session.": (
        "Kun holdets medlemmer er med i dets fællestræning."
    ),
    "The team has a session open already: join it or end it first.": (
        "Holdet har allerede en åben fællestræning: vær med i den, eller afslut den først."
    ),
    "The team's program has no strength exercises in its current phase.": (
        "Holdets program har ingen styrkeøvelser i den nuværende fase."
    ),
    "The session has ended.": "Fællestræningen er slut.",
    "The session has moved on since your version: here is where it is now.": (
        "Fællestræningen er gået videre siden din version: her er den nu."
    ),
    "The session is changing too fast; try again.": (
        "Fællestræningen ændrer sig for hurtigt; prøv igen."
    ),
    "Only the session's host moves it on.": "Kun den, der leder fællestræningen, går videre.",
    "Whom to hand over to: a lead of the team.": "Hvem den skal gives til: en leder af holdet.",
    "Control goes only to a lead of the team.": "Styringen kan kun gives til en leder af holdet.",
    "A {status} session cannot {action}.": "En fællestræning i status {status} kan ikke {action}.",
    "The session has no exercises to start.": "Fællestræningen har ingen øvelser at starte.",
    "Too many live streams on this server; retrying shortly.": (
        "For mange direkte forbindelser på serveren; prøver igen om lidt."
    ),
    # -- polls, high-fives and removing a person ---------------------------------------
    "No such poll.": "Afstemningen findes ikke.",
    "Only members of the team vote.": "Kun holdets medlemmer stemmer.",
    "Only the team's leads and the workplace's admins open polls.": (
        "Kun holdets ledere og arbejdspladsens administratorer åbner afstemninger."
    ),
    "Only the team's leads and the workplace's admins close polls.": (
        "Kun holdets ledere og arbejdspladsens administratorer lukker afstemninger."
    ),
    "The poll has closed: votes are no longer taken.": (
        "Afstemningen er lukket: der tages ikke imod flere stemmer."
    ),
    "The team has an open {kind} poll already: close it first.": (
        "Holdet har allerede en åben afstemning om {kind}: luk den først."
    ),
    "no exercise {slug} in the catalogue": "øvelsen {slug} findes ikke i kataloget",
    "{slug} uses {equipment}, {other} uses {other_equipment}": (
        "{slug} bruger {equipment}, {other} bruger {other_equipment}"
    ),
    "{slug} works other muscles than {other}": "{slug} træner andre muskler end {other}",
    "{slug} is a {kind} exercise, {other} a {other_kind} one": (
        "{slug} er en øvelse af typen {kind}, {other} af typen {other_kind}"
    ),
    "A high-five goes to a colleague or to the team, not to yourself.": (
        "En high-five går til en kollega eller til holdet, ikke til dig selv."
    ),
    "Only members of the team give its high-fives.": "Kun holdets medlemmer giver high-fives.",
    "This id is already used for a different high-five. Make a new id.": (
        "Dette id er allerede brugt til en anden high-five. Lav et nyt id."
    ),
    "No such person in your workplace.": "Personen findes ikke på din arbejdsplads.",
    "You cannot remove yourself here; erase your own account in settings.": (
        "Du kan ikke fjerne dig selv her; slet din egen konto under indstillinger."
    ),
    "Sign in as the workplace's admin first.": "Log ind som arbejdspladsens administrator først.",
    "Only the workplace's admin sees the report.": (
        "Kun arbejdspladsens administrator ser rapporten."
    ),
    "You are the only admin of your workplace. Invite another admin first, so someone can "
    "still manage it, then erase your account.": (
        "Du er den eneste administrator på din arbejdsplads. Invitér en anden administrator "
        "først, så nogen stadig kan styre den, og slet så din konto."
    ),
    "Wrong email or password.": "Forkert e-mail eller adgangskode.",
    "The current password is wrong.": "Den nuværende adgangskode er forkert.",
    "That email is already in use.": "Den e-mail er allerede i brug.",
    "{email} is already in use.": "{email} er allerede i brug.",
    "A {inviter} cannot invite a {role}.": "En {inviter} kan ikke invitere en {role}.",
    "This invite has been used up.": "Invitationen er brugt op.",
    "No such invite.": "Invitationen findes ikke.",
    "This sign-in link is unknown, used or expired. Make a new one.": (
        "Login-linket er ukendt, brugt eller udløbet. Lav et nyt."
    ),
    "No such device of yours is signed in.": "Du har ingen sådan enhed logget ind.",
    "This passkey request has expired or was used already. Try again.": (
        "Anmodningen om adgangsnøgle er udløbet eller allerede brugt. Prøv igen."
    ),
    "This passkey request was made for someone else.": (
        "Anmodningen om adgangsnøgle blev lavet til en anden."
    ),
    "No such passkey of yours.": "Du har ingen sådan adgangsnøgle.",
    "This passkey is not known here. Sign in another way.": (
        "Adgangsnøglen kendes ikke her. Log ind på en anden måde."
    ),
    "The passkey's answer is not one a browser makes.": (
        "Adgangsnøglens svar er ikke et, en browser laver."
    ),
    "The passkey could not be checked: {reason}": "Adgangsnøglen kunne ikke kontrolleres: {reason}",
    "The passkey could not be checked. Sign in another way.": (
        "Adgangsnøglen kunne ikke kontrolleres. Log ind på en anden måde."
    ),
}

CATALOGUES: Mapping[str, Mapping[str, str]] = {"da": DANISH, "en": {k: k for k in DANISH}}

_NAME = re.compile(r"\\\{(\w+)\\\}")


@cache
def _patterns(language: str) -> list[tuple[re.Pattern[str], str]]:
    """Templates with values, as patterns (exact ones are looked up directly)."""
    found = []
    for english, text in CATALOGUES[language].items():
        if "{" in english:
            source = _NAME.sub(lambda m: f"(?P<{m.group(1)}>.+?)", re.escape(english))
            found.append((re.compile(f"^{source}$", re.DOTALL), text))
    # The longest templates first: the most specific wins.
    return sorted(found, key=lambda pair: -len(pair[0].pattern))


def translated(message: str, language: str) -> str | None:
    """``message`` in ``language``, or None when the catalogue does not know it."""
    table = CATALOGUES.get(language)
    if table is None:
        return None
    if message in table:
        return table[message]
    for pattern, text in _patterns(language):
        if found := pattern.match(message):
            return text.format(**found.groupdict())
    return None


def translate(message: Any, language: str) -> Any:
    """A message, a list or a tree of field errors, with each text in ``language``;
    a text the catalogue does not know stays as it is."""
    if isinstance(message, str):
        return translated(message, language) or message
    if isinstance(message, list):
        return [translate(item, language) for item in message]
    if isinstance(message, dict):
        return {key: translate(value, language) for key, value in message.items()}
    return message


def request_language() -> str:
    """The person's language setting, else the browser's (Accept-Language), else Danish
    (the language of a Danish workplace, every workplace's default)."""
    if not has_request_context():
        return "da"
    asks = current_app.extensions.get(PERSON_LANGUAGE)
    own = asks() if asks is not None else None
    if own in LANGUAGES:
        return own
    return request.accept_languages.best_match(LANGUAGES) or "da"
