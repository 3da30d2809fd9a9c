"""The app's two word catalogues (static/i18n/da.js and en.js) name the same keys, so
no screen shows a bare key in one of the languages."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static" / "i18n"
# A key starts a line, two spaces in: `  name:` or `  'region_lower-back':`.
KEY = re.compile(r"^  (?:'([^']+)'|([A-Za-z_]\w*)):", re.MULTILINE)


def keys(language: str) -> list[str]:
    text = (STATIC / f"{language}.js").read_text(encoding="utf-8")
    return [quoted or plain for quoted, plain in KEY.findall(text)]


def test_danish_and_english_name_the_same_keys_once_each() -> None:
    da, en = keys("da"), keys("en")
    assert len(da) > 100
    assert sorted(set(da) - set(en)) == [], "missing in en.js"
    assert sorted(set(en) - set(da)) == [], "missing in da.js"
    assert len(da) == len(set(da)) and len(en) == len(set(en)), "a key given twice"
