"""What Coach says after a check-in. Guidance, never a diagnosis."""

from __future__ import annotations

from dataclasses import dataclass

from coach.domain.catalogue import Text


@dataclass(frozen=True)
class Advice:
    code: str
    text: Text


RED_FLAG = Advice(
    "red_flag",
    Text(
        da=(
            "Stop træningen for nu, og kontakt din læge om det, du har mærket. "
            "Coach sætter din progression på pause, indtil du melder dig klar igen."
        ),
        en=(
            "Stop training for now and contact your doctor about what you have noticed. "
            "Coach pauses your progression until you report that you are ready again."
        ),
    ),
)
SORENESS = Advice(
    "soreness",
    Text(
        da=(
            "Ømme, varme og trætte muskler i de første uger er helt normalt og går over "
            "af sig selv. Du kan sagtens træne videre."
        ),
        en=(
            "Sore, warm and tired muscles in the first weeks are normal and pass by "
            "themselves. You can keep training."
        ),
    ),
)
PAIN_HIGH = Advice(
    "pain_high",
    Text(
        da=(
            "Smerte over 5 er mere, end træningen skal give. Næste træning er et trin "
            "lettere i hver øvelse, og belastningen bliver der, indtil smerten er 5 "
            "eller mindre. Bliver smerten ved eller værre, så tal med din læge."
        ),
        en=(
            "Pain above 5 is more than training should cause. Your next session is one "
            "level lighter in every exercise, and stays there until the pain is 5 or "
            "less. If the pain stays or gets worse, talk to your doctor."
        ),
    ),
)


def advice_for_check_in(*, red_flag: bool, soreness: bool, highest_pain: int) -> list[Advice]:
    """Advice for a check-in, most important first."""
    advice: list[Advice] = []
    if red_flag:
        advice.append(RED_FLAG)
    if highest_pain > 5:
        advice.append(PAIN_HIGH)
    if soreness and not red_flag:
        advice.append(SORENESS)
    return advice
