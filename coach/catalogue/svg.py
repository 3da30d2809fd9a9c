"""Is an illustration a safe, well-formed SVG image?

Illustrations are served from our own origin, where an SVG opened directly runs its
scripts, so only static drawings pass: no scripts or embedded HTML, no event-handler
attributes, nothing fetched from elsewhere (links, ``url()``, ``@import``, style sheet
processing instructions) and no DTD, which also rules out entity expansion attacks.
Parsing uses expat from the standard library with its handlers, so nothing is
expanded or fetched while checking.
"""

from __future__ import annotations

import re
from xml.parsers import expat

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_SEPARATOR = " "  # expat reports namespaced names as "uri local"
_FORBIDDEN_ELEMENTS = {"script", "foreignobject"}
_LINK_ATTRIBUTES = {"href", "src"}
# url(...) that does not point inside the document (url(#gradient) is fine).
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)


class _Stop(Exception):
    """Raised from a handler to end parsing at a problem that makes the rest moot."""


def _local(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(_SEPARATOR)
    return namespace, local


def svg_problems(data: bytes) -> list[tuple[str, str]]:
    """``(where, message)`` for everything wrong with an SVG file; empty if it is fine.

    ``where`` is an element path such as ``svg/g/script`` (with ``/@name`` for an
    attribute), or ``line N, column M`` when the XML itself is broken.
    """
    problems: list[tuple[str, str]] = []
    path: list[str] = []
    style_depth: list[bool] = []
    parser = expat.ParserCreate(namespace_separator=_SEPARATOR)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True  # a <style> arrives as one piece, so patterns are not split

    def where() -> str:
        return "/".join(path) or "document"

    def line() -> str:
        return f"(line {parser.CurrentLineNumber})"

    def doctype(*_: object) -> None:
        problems.append(("document", f"DOCTYPE and entity declarations are not allowed {line()}"))
        raise _Stop

    def processing_instruction(target: str, _data: str) -> None:
        problems.append(
            (where(), f"processing instructions such as <?{target}?> are not allowed {line()}")
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        namespace, local = _local(name)
        if not path and (local != "svg" or namespace != SVG_NAMESPACE):
            problems.append(
                (
                    local,
                    f'the root element must be <svg xmlns="{SVG_NAMESPACE}">, '
                    f"not <{local}>" + (f" in namespace {namespace}" if namespace else ""),
                )
            )
            raise _Stop
        path.append(local)
        style_depth.append(local == "style")
        if local.lower() in _FORBIDDEN_ELEMENTS:
            problems.append((where(), f"<{local}> elements are not allowed {line()}"))
        for attribute, value in attributes.items():
            _, attr = _local(attribute)
            at = f"{where()}/@{attr}"
            if attr.lower().startswith("on"):
                problems.append((at, f"event-handler attributes are not allowed {line()}"))
            elif attr.lower() in _LINK_ATTRIBUTES and not value.strip().startswith("#"):
                problems.append(
                    (at, f"links must point inside the drawing (#id), not {value!r} {line()}")
                )
            elif _EXTERNAL_URL.search(value):
                problems.append((at, f"url() must point inside the drawing (#id) {line()}"))

    def end(_name: str) -> None:
        path.pop()
        style_depth.pop()

    def text(content: str) -> None:
        if style_depth and style_depth[-1]:
            if _IMPORT.search(content):
                problems.append((where(), f"@import is not allowed in <style> {line()}"))
            if _EXTERNAL_URL.search(content):
                problems.append(
                    (where(), f"url() in <style> must point inside the drawing (#id) {line()}")
                )

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ProcessingInstructionHandler = processing_instruction
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except _Stop:
        pass
    except expat.ExpatError as error:
        problems.append(
            (
                f"line {error.lineno}, column {error.offset + 1}",
                f"not well-formed XML: {expat.ErrorString(error.code)}",
            )
        )
    return problems
