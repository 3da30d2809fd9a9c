"""The words the reasons are built from, in Danish and English."""

# The sentences people read use typographic dashes (ranges such as 8 to 20 reps).

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from coach.domain.catalogue import Text

REGION_PHRASES: Mapping[str, Text] = MappingProxyType(
    {
        "neck": Text("i nakken", "in your neck"),
        "shoulder": Text("i skulderen", "in your shoulder"),
        "arm": Text("i armen", "in your arm"),
        "lower-back": Text("i lænden", "in your lower back"),
        "upper-back": Text("i den øverste del af ryggen", "in your upper back"),
        "forearm-wrist": Text("i underarmen eller håndleddet", "in your forearm or wrist"),
        "legs": Text("i benene", "in your legs"),
    }
)

EQUIPMENT_NOUNS: Mapping[str, Text] = MappingProxyType(
    {"dumbbell": Text("håndvægt", "dumbbell"), "kettlebell": Text("kettlebell", "kettlebell")}
)


def count(n: int, ago: bool = True) -> Text:
    """ "de sidste to gange" / "in your last two sessions"; without ``ago``: "to gange"."""
    words = {2: ("to", "two"), 3: ("tre", "three"), 4: ("fire", "four")}
    da, en = words.get(n, (str(n), str(n)))
    if ago:
        if n == 1:
            return Text("sidste gang", "last time")
        return Text(f"de sidste {da} gange", f"in your last {en} sessions")
    if n == 1:
        return Text("én gang", "once")
    return Text(f"{da} gange", f"{en} times")


def listing(items: Sequence[object], language: str) -> str:
    """ "21 og 22" / "12, 12 and 11"."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    conjunction = "og" if language == "da" else "and"
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def kg(value: float, language: str) -> str:
    """ "2,5 kg" / "2.5 kg": at most one decimal, none when whole."""
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{number.replace('.', ',') if language == 'da' else number} kg"


def join(*texts: Text) -> Text:
    """The texts as one, a space apart, leaving out empty ones."""
    return Text(" ".join(t.da for t in texts if t.da), " ".join(t.en for t in texts if t.en))


def upper_first(text: str) -> str:
    """A mid-sentence phrase made the start of a sentence."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """A sentence made a mid-sentence phrase."""
    return text[:1].lower() + text[1:]


def round_half_up(value: float) -> int:
    """Rounding as people do it (2.5 → 3), unlike round()'s banker's rounding."""
    return int(value + 0.5)
