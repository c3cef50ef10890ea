"""Score the matcher on a labelled table of texts: per-topic precision and recall (pure)."""

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from .directory import LANGUAGES
from .matching import Index

COLUMNS = ("text", "topics", "language")  # a table's header names these, in any order
NONE = "-"  # the topics of an everyday text
SHOWN = 10  # bad lines named one by one; the rest are counted


@dataclass(frozen=True)
class Labelled:
    """A text and the topics it must get ("-" in the table: none)."""

    text: str
    topics: frozenset[str]
    language: str
    kind: str = ""


@dataclass(frozen=True)
class Score:
    """How one topic fared: texts rightly given it, wrongly given it, and missed."""

    topic: str
    right: int
    wrong: int
    missed: int

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else 1.0

    @property
    def recall(self) -> float:
        return self.right / (self.right + self.missed) if self.right + self.missed else 1.0


@dataclass(frozen=True)
class Report:
    """The matcher's figures on one table."""

    texts: int
    topics: tuple[Score, ...]
    everyday: int  # texts about no topic
    everyday_clean: int  # of those, the ones given no topic
    exact: int  # texts given exactly their topics
    language: int  # texts answered in their language
    misses: tuple[tuple[Labelled, tuple[str, ...]], ...]

    @property
    def everyday_precision(self) -> float:
        return self.everyday_clean / self.everyday if self.everyday else 1.0

    def lines(self) -> list[str]:
        """Return the report as a table for a terminal."""
        out = [f"{'topic':22} {'precision':>9} {'recall':>7} {'texts':>6}"]
        for s in self.topics:
            texts, given = s.right + s.missed, s.right + s.wrong
            recall = f"{s.recall:7.1%}" if texts else f"{'-':>7}"  # no text is about it
            precision = f"{s.precision:9.1%}" if given else f"{'-':>9}"  # nor given to any
            out.append(f"{s.topic:22} {precision} {recall} {texts:6}")
        out.append(
            f"everyday texts given no topic: {self.everyday_clean}/{self.everyday} "
            f"({self.everyday_precision:.1%})"
        )
        out.append(
            f"exactly right: {self.exact}/{self.texts} ({self.exact / self.texts:.1%}); "
            f"right language: {self.language}/{self.texts}"
        )
        return out


class TableError(ValueError):
    """A labelled table that cannot be scored: each problem as `file:line: message`."""


def read_table(path: str | Path, topics: Collection[str] | None = None) -> list[Labelled]:
    """Return the rows of a tab-separated table: text, topics (space-separated or -), language.

    Raises TableError naming every line that is not such a row, and every topic not in
    `topics` (when given): a misspelt or comma-joined topic would otherwise count as a miss.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise TableError(
            f"{path}: cannot be read ({error.strerror or error}): give the path of a table, "
            "tab-separated, its first line naming the columns text, topics and language"
        ) from None
    try:
        content = data.decode("utf-8-sig")  # with or without the mark some editors put first
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise TableError(f"{path}:{line}: is not UTF-8 text: save the table as UTF-8") from None
    reader = csv.reader(io.StringIO(content, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        lines = [(reader.line_num, fields) for fields in reader]
    except csv.Error as error:  # a field over csv's limit (128 KB), say
        raise TableError(f"{path}:{reader.line_num}: is not a table: {error}") from None
    if not lines:
        raise TableError(f"{path}:1: the file is empty: its first line names the columns")
    header = [name.strip().lower() for name in lines[0][1]]
    if missing := [name for name in COLUMNS if name not in header]:
        raise TableError(
            f"{path}:1: the first line must name the columns text, topics and language, "
            f"separated by tabs; it has no {', '.join(missing)} (found: {' | '.join(header)})"
        )
    if twice := sorted({name for name in (*COLUMNS, "kind") if header.count(name) > 1}):
        raise TableError(f"{path}:1: the first line names {', '.join(twice)} twice")
    at = {name: header.index(name) for name in (*COLUMNS, "kind") if name in header}
    rows, problems = [], []
    for number, fields in lines[1:]:
        if not any(field.strip() for field in fields):
            continue  # a blank line
        problem = _problem(fields, at, topics, len(header))
        if problem:
            problems.append(f"{path}:{number}: {problem}")
            continue
        text, labels, language = (fields[at[name]].strip() for name in COLUMNS)
        kind = fields[at["kind"]].strip() if "kind" in at and at["kind"] < len(fields) else ""
        rows.append(Labelled(text, frozenset(labels.split()) - {NONE}, language, kind))
    if problems:
        more = len(problems) - SHOWN
        raise TableError(
            "\n".join(problems[:SHOWN] + ([f"{path}: and {more} more line(s)"] if more > 0 else []))
        )
    if not rows:
        raise TableError(f"{path}:2: the table has no texts to score")
    return rows


def _problem(
    fields: list[str], at: dict[str, int], topics: Collection[str] | None, columns: int
) -> str:
    """Return what is wrong with a table's row, or "" if nothing is."""
    if any(field.strip() for field in fields[columns:]):
        return (
            f"{len(fields)} fields where the first line names {columns}: is there a tab inside "
            "the text?"
        )
    if len(fields) <= max(at[name] for name in COLUMNS):
        return (
            f"{len(fields)} field(s), too few for the first line's columns: separate the text, "
            "its topics and its language with tabs"
        )
    text, labels, language = (fields[at[name]].strip() for name in COLUMNS)
    if not text:
        return "the text is empty"
    if not labels:
        return f"no topics: write {NONE} for a text about none"
    named = labels.split()
    if NONE in named and len(named) > 1:
        return f"'{labels}': {NONE} means no topic, so it stands alone"
    if topics is not None:
        unknown = [label for label in named if label != NONE and label not in topics]
        if unknown:
            hint = "; separate topics with spaces, not commas" if "," in labels else ""
            return (
                f"no topic is called '{unknown[0]}' (the referral file's topics: "
                f"{', '.join(topics)}){hint}"
            )
    if language not in LANGUAGES:
        return f"the language is '{language}', not {' or '.join(LANGUAGES)}"
    return ""


def evaluate(index: Index, table: list[Labelled], topics: tuple[str, ...]) -> Report:
    """Return how `index` matches every text of `table`, topic by topic."""
    right = dict.fromkeys(topics, 0)
    wrong = dict.fromkeys(topics, 0)
    missed = dict.fromkeys(topics, 0)
    everyday = everyday_clean = exact = language = 0
    misses = []
    for row in table:
        match = index.match(row.text)
        given = set(match.topics)
        for topic in topics:
            if topic in given and topic in row.topics:
                right[topic] += 1
            elif topic in given:
                wrong[topic] += 1
            elif topic in row.topics:
                missed[topic] += 1
        if not row.topics:
            everyday += 1
            everyday_clean += not given
        exact += given == row.topics
        language += match.language == row.language
        if given != row.topics:
            misses.append((row, match.topics))
    return Report(
        len(table),
        tuple(Score(t, right[t], wrong[t], missed[t]) for t in topics),
        everyday,
        everyday_clean,
        exact,
        language,
        tuple(misses),
    )
