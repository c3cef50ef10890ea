"""Score the matcher on a labelled table of texts: per-topic precision and recall (pure)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from .matching import Index


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


def read_table(path: str | Path) -> list[Labelled]:
    """Return the rows of a tab-separated table: text, topics (space-separated or -), language."""
    with open(path, encoding="utf-8", newline="") as table:
        rows = csv.DictReader(table, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Labelled(
                row["text"],
                frozenset(row["topics"].split()) - {"-"},
                row["language"],
                row.get("kind") or "",
            )
            for row in rows
        ]


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
