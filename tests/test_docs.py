"""The README and docs/ point only at files and headings that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "benchmarks" / "README.md", *(ROOT / "docs").glob("*.md")]
)
FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)\)|\bsrc=\"([^\"]+)\"|\bhref=\"([^\"]+)\"")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _prose(text: str) -> str:
    """The text without code, where brackets and paths are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    words = re.sub(r"[^\w\- ]", "", INLINE_CODE.sub(lambda m: m.group(0)[1:-1], heading).lower())
    return words.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_anchor(h) for h in HEADING.findall(FENCE.sub("", path.read_text()))}


def _relative_links(path: Path) -> list[str]:
    targets = [next(g for g in m.groups() if g) for m in LINK.finditer(_prose(path.read_text()))]
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def test_there_are_documents_with_links() -> None:
    assert len(DOCUMENTS) > 3
    assert _relative_links(ROOT / "README.md"), "the README links into docs/"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(document: Path) -> None:
    broken = []
    for link in _relative_links(document):
        target, _, fragment = link.partition("#")
        resolved = (document.parent / target).resolve() if target else document
        if not resolved.exists():
            broken.append(f"{link}: no such file")
        elif fragment and resolved.suffix == ".md" and fragment not in _anchors(resolved):
            broken.append(f"{link}: no heading #{fragment}")
    assert not broken, broken


def test_the_readme_fits_on_a_few_screens() -> None:
    assert len((ROOT / "README.md").read_text().splitlines()) <= 210


def test_anchor_follows_github() -> None:
    assert _anchor("The phone app's shell") == "the-phone-apps-shell"
    assert _anchor("How fast: `today` and sets") == "how-fast-today-and-sets"


def test_the_gallery_shows_every_screenshot() -> None:
    """docs/screens.md shows each picture scripts/screenshots.py leaves in
    docs/screenshots/ (a missing one fails the link test above)."""
    gallery = (ROOT / "docs" / "screens.md").read_text()
    shown = set(re.findall(r"screenshots/([\w-]+\.png)", gallery))
    kept = {p.name for p in (ROOT / "docs" / "screenshots").glob("*.png")}
    assert kept and kept <= shown, sorted(kept - shown)
