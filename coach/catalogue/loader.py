"""Reading the exercise catalogue from its folder, collecting every problem on the way.

The folder holds::

    <slug>.yaml                 one exercise per file (the slug is the file name)
    muscles.yaml                the muscle vocabulary: slug -> {da, en}
    programs/<slug>.yaml        one program per file
    illustrations/<name>.svg    the drawings the exercise files name

Each file is checked on its own (UTF-8, YAML, the file schema) and against the others
(alternatives, muscles, programs' exercises and dose rules, phases covering the
weeks, illustrations present and safe). All problems are reported together, each
with the file, the field and what is wrong, so one run of ``flask exercises check``
shows everything to fix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from coach.catalogue.schemas import (
    ILLUSTRATION,
    SLUG_PATTERN,
    ExerciseFile,
    ProgramFile,
    TextFile,
)
from coach.catalogue.svg import svg_problems
from coach.domain.catalogue import (
    DOSE_RULES,
    Catalogue,
    DoseRule,
    Exercise,
    Program,
    Text,
    phase_problems,
    rule_mismatch,
)

MUSCLES = "muscles.yaml"
PROGRAMS = "programs"
ILLUSTRATIONS = "illustrations"


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in the catalogue: where, and what."""

    file: str  # relative to the catalogue folder, e.g. "programs/weekly-3x20.yaml"
    field: str  # e.g. "cues.start.da" or "phases[1].items[0].exercise"; "" for the file
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class CatalogueError(Exception):
    """The catalogue cannot be used; ``problems`` says why, all of it."""

    def __init__(self, path: Path, problems: Sequence[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        listing = "\n".join(f"  {problem}" for problem in self.problems)
        count = f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)}"
        super().__init__(f"The exercise catalogue in {path} has {count}:\n{listing}")


@dataclass(frozen=True)
class Illustration:
    name: str
    svg: bytes
    etag: str  # a hash of the content: changes exactly when the drawing does


@dataclass(frozen=True)
class LoadedCatalogue:
    """The catalogue with the drawings it names, as validated at load time."""

    path: Path
    catalogue: Catalogue
    illustrations: Mapping[str, Illustration]


def load(path: Path) -> LoadedCatalogue:
    """Read and validate the catalogue in ``path``; :class:`CatalogueError` if invalid."""
    loaded, problems = check(path)
    if problems or loaded is None:
        raise CatalogueError(path, problems)
    return loaded


def check(path: Path) -> tuple[LoadedCatalogue | None, list[Problem]]:
    """Read the catalogue in ``path``: the catalogue if valid, and every problem found."""
    reader = _Reader(Path(path))
    loaded = reader.read()
    return (loaded if not reader.problems else None), reader.problems


# -- YAML -----------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key given twice is an error, not a silent
    overwrite (a second ``en:`` would otherwise hide the first translation)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
        except TypeError:  # unhashable key: construct_mapping reports it
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"found duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _mapping_without_duplicates,  # type: ignore[arg-type]
)

_UNREADABLE = object()


def _flatten(messages: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """marshmallow's nested error dict as ``(field path, message)`` pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                path = prefix
            elif isinstance(key, int):
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            yield from _flatten(value, path)
    elif isinstance(messages, list):
        for message in messages:
            yield from _flatten(message, prefix)
    else:
        yield prefix, str(messages)


def _stem(name: str) -> str:
    """``programs/weekly-3x20.yaml`` -> ``weekly-3x20``."""
    return name.rpartition("/")[2].removesuffix(".yaml")


def _is_int(value: Any) -> bool:
    return type(value) is int  # not bool, which YAML gives for yes/no


# -- reading --------------------------------------------------------------------------


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.illustrations: dict[str, Illustration | None] = {}  # None: not a safe SVG
        self.missing_illustrations: set[str] = set()
        # Exercise slug -> (kind, equipment) as written, for programs and alternatives.
        self.known: dict[str, tuple[Any, Any]] = {}

    def problem(self, file: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, field, message))

    def name_of(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read(self) -> LoadedCatalogue | None:
        if not self.root.is_dir():
            self.problem(str(self.root), "", "no such folder")
            return None
        muscles = self.read_muscles()
        exercises = self.read_exercises(muscles)
        programs = self.read_programs()
        if self.problems:
            return None
        catalogue = Catalogue(
            exercises=exercises,
            programs=programs,
            muscles=muscles or {},
        )
        return LoadedCatalogue(
            path=self.root,
            catalogue=catalogue,
            illustrations=MappingProxyType(
                {name: drawing for name, drawing in self.illustrations.items() if drawing}
            ),
        )

    def read_yaml(self, path: Path) -> Any:
        """The file's YAML content, or ``_UNREADABLE`` after reporting why."""
        name = self.name_of(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            self.problem(name, "", f"cannot be read: {error.strerror}")
            return _UNREADABLE
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self.problem(
                name,
                f"byte {error.start}",
                f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
            )
            return _UNREADABLE
        try:
            return yaml.load(text, Loader=_StrictLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            self.problem(name, where, f"YAML syntax error: {error.problem or error.context}")
        except yaml.YAMLError as error:
            self.problem(name, "", f"YAML syntax error: {error}")
        return _UNREADABLE

    def load_file(self, name: str, schema: Schema, data: Any) -> Any:
        """The file's domain object, or None after reporting every schema error."""
        if not isinstance(data, dict):
            self.problem(name, "", "expected fields (key: value) at the top of the file")
            return None
        try:
            return schema.load(data)
        except ValidationError as error:
            for field, message in _flatten(error.messages):
                self.problem(name, field, message)
            return None

    # muscles.yaml

    def read_muscles(self) -> dict[str, Text] | None:
        """Muscle names by slug; None if the vocabulary is unusable (then muscles
        are not checked, rather than reporting every one as unknown)."""
        path = self.root / MUSCLES
        if not path.is_file():
            self.problem(MUSCLES, "", "missing: it lists the muscles exercises may name")
            return None
        data = self.read_yaml(path)
        if data is _UNREADABLE:
            return None
        if not isinstance(data, dict):
            self.problem(MUSCLES, "", "expected muscle slugs, each with {da: ..., en: ...}")
            return None
        muscles: dict[str, Text] = {}
        for slug, names in data.items():
            if not isinstance(slug, str) or not re.fullmatch(SLUG_PATTERN, slug):
                self.problem(MUSCLES, str(slug), "not a slug (lower-case words joined by -)")
                continue
            try:
                muscles[slug] = TextFile().load(names if isinstance(names, dict) else {})
            except ValidationError as error:
                for field, message in _flatten(error.messages, slug):
                    self.problem(MUSCLES, field, message)
                muscles[slug] = Text(slug, slug)  # known, so exercises naming it pass
        return muscles

    # exercises

    def read_exercises(self, muscles: dict[str, Text] | None) -> dict[str, Exercise]:
        """The valid exercises by slug; problems in the others are reported."""
        paths = sorted(p for p in self.root.glob("*.yaml") if p.name != MUSCLES)
        if not paths:
            self.problem(".", "", "no exercise files (<slug>.yaml) in the folder")
        raw = {self.name_of(p): self.read_yaml(p) for p in paths}
        # An unreadable file still counts under its file name, so one broken file is
        # reported once, not again by everything that points at it.
        for name, data in raw.items():
            slug = data.get("slug") if isinstance(data, dict) else None
            if not isinstance(slug, str):
                slug = _stem(name)
            if isinstance(data, dict):
                self.known.setdefault(slug, (data.get("kind"), data.get("equipment")))
            else:
                self.known.setdefault(slug, (None, None))

        exercises: dict[str, Exercise] = {}
        files_by_slug: dict[str, list[str]] = {}
        for name, data in raw.items():
            if data is _UNREADABLE:
                continue
            exercise = self.load_file(name, ExerciseFile(), data)
            if isinstance(exercise, Exercise):
                exercises[exercise.slug] = exercise
            if isinstance(data, dict):
                self.cross_check_exercise(name, data, muscles, files_by_slug)
        self.report_duplicates(files_by_slug)
        return exercises

    def cross_check_exercise(
        self,
        name: str,
        data: dict[str, Any],
        muscles: dict[str, Text] | None,
        files_by_slug: dict[str, list[str]],
    ) -> None:
        slug = data.get("slug")
        if isinstance(slug, str):
            self.check_slug(name, slug, files_by_slug)
        alternatives = data.get("alternatives")
        if isinstance(alternatives, list):
            for i, alternative in enumerate(alternatives):
                if not isinstance(alternative, str):
                    continue
                if alternative == slug:
                    self.problem(name, f"alternatives[{i}]", "is the exercise itself")
                elif alternative not in self.known:
                    self.problem(name, f"alternatives[{i}]", f"unknown exercise {alternative!r}")
        listed = data.get("muscles")
        if muscles is not None and isinstance(listed, list):
            for i, muscle in enumerate(listed):
                if isinstance(muscle, str) and muscle not in muscles:
                    self.problem(
                        name, f"muscles[{i}]", f"unknown muscle {muscle!r}: not in {MUSCLES}"
                    )
        drawing = data.get("illustration")
        if isinstance(drawing, str):
            try:
                ILLUSTRATION(drawing)
            except ValidationError:
                return  # the schema reports the name
            self.check_illustration(name, drawing)

    def check_slug(self, name: str, slug: str, files_by_slug: dict[str, list[str]]) -> None:
        stem = _stem(name)
        if slug != stem:
            self.problem(name, "slug", f"is {slug!r} but the file is {stem}.yaml; they must match")
        files_by_slug.setdefault(slug, []).append(name)

    def report_duplicates(self, files_by_slug: dict[str, list[str]]) -> None:
        """Report a slug used twice in the files that do not own it: the owner is the
        file named after the slug (else the first)."""
        for slug, names in files_by_slug.items():
            if len(names) < 2:
                continue
            owner = next((n for n in names if _stem(n) == slug), names[0])
            for name in names:
                if name != owner:
                    self.problem(name, "slug", f"duplicate slug {slug!r}: {owner} has it")

    def check_illustration(self, name: str, drawing: str) -> None:
        """Report a missing drawing in the exercise file that names it, and what is
        wrong inside a drawing once, in the drawing's own file."""
        if drawing in self.missing_illustrations:
            self.problem(name, "illustration", f"{ILLUSTRATIONS}/{drawing} is missing")
            return
        if drawing in self.illustrations:
            return
        path = self.root / ILLUSTRATIONS / drawing
        if not path.is_file():
            self.missing_illustrations.add(drawing)
            self.problem(name, "illustration", f"{ILLUSTRATIONS}/{drawing} is missing")
            return
        svg = path.read_bytes()
        found = svg_problems(svg)
        for where, message in found:
            self.problem(f"{ILLUSTRATIONS}/{drawing}", where, message)
        etag = hashlib.sha256(svg).hexdigest()[:32]
        self.illustrations[drawing] = None if found else Illustration(drawing, svg, etag)

    # programs

    def read_programs(self) -> dict[str, Program]:
        folder = self.root / PROGRAMS
        paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if not paths:
            self.problem(PROGRAMS, "", "no program files (programs/<slug>.yaml)")
        programs: dict[str, Program] = {}
        files_by_slug: dict[str, list[str]] = {}
        for path in paths:
            name = self.name_of(path)
            data = self.read_yaml(path)
            if data is _UNREADABLE:
                continue
            program = self.load_file(name, ProgramFile(), data)
            if isinstance(data, dict):
                self.cross_check_program(name, data, files_by_slug)
            if isinstance(program, Program):
                programs[program.slug] = program
        self.report_duplicates(files_by_slug)
        return programs

    def cross_check_program(
        self, name: str, data: dict[str, Any], files_by_slug: dict[str, list[str]]
    ) -> None:
        slug = data.get("slug")
        if isinstance(slug, str):
            self.check_slug(name, slug, files_by_slug)
        phases = data.get("phases")
        if not isinstance(phases, list):
            return
        spans: list[tuple[int, int]] = []
        for i, phase in enumerate(phases):
            if not isinstance(phase, dict):
                continue
            weeks = phase.get("weeks")
            if isinstance(weeks, list) and len(weeks) == 2 and all(map(_is_int, weeks)):
                spans.append((weeks[0], weeks[1]))
            items = phase.get("items")
            for j, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict):
                    self.check_item(name, f"phases[{i}].items[{j}]", item)
        duration = data.get("duration_weeks")
        if len(spans) == len(phases) and _is_int(duration):
            for index, message in phase_problems(spans, duration):
                self.problem(name, f"phases[{index}].weeks", message)

    def check_item(self, name: str, at: str, item: dict[str, Any]) -> None:
        exercise = item.get("exercise")
        if not isinstance(exercise, str):
            return
        if exercise not in self.known:
            self.problem(name, f"{at}.exercise", f"no exercise {exercise!r} in the catalogue")
            return
        kind, equipment = self.known[exercise]
        dose = item.get("dose")
        rule = dose.get("rule") if isinstance(dose, dict) else None
        if rule in DOSE_RULES and isinstance(kind, str) and isinstance(equipment, str):
            mismatch = rule_mismatch(DoseRule(rule), kind=kind, equipment=equipment)
            if mismatch:
                self.problem(name, f"{at}.dose.rule", f"{exercise}: {mismatch}")
