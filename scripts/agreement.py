"""How far do careful readers agree with the held-out table's labels, and how far does the bot?

Two readers labelled the held-out table's 643 texts again, each alone, from the same topic guide
the table's writer had and without seeing its labels (tests/heldout.reader-a.tsv, -b.tsv). If
they disagreed with the table as often as the bot does, the issue's precision target would be
beyond what the labels can tell. On the whole they disagree far less, though for some topics
(basic needs, runaway) about as often (docs/matching.md, "Ninth round").

    .venv/bin/python scripts/agreement.py          # the readers and the bot against the table
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.evaluation import Score, read_table  # noqa: E402
from app.matching import build_index  # noqa: E402
from app.validation import load_file  # noqa: E402

TABLE = ROOT / "tests" / "heldout.tsv"
READERS = {
    "reader A": ROOT / "tests/heldout.reader-a.tsv",
    "reader B": ROOT / "tests/heldout.reader-b.tsv",
}


def scores(given: list[frozenset[str]], truth: list[frozenset[str]], topics) -> list[Score]:
    """Return each topic's score of the labelling `given` against `truth`."""
    return [
        Score(
            topic,
            sum(topic in g and topic in t for g, t in zip(given, truth, strict=True)),
            sum(topic in g and topic not in t for g, t in zip(given, truth, strict=True)),
            sum(topic not in g and topic in t for g, t in zip(given, truth, strict=True)),
        )
        for topic in topics
    ]


def line(name: str, given: list[frozenset[str]], truth: list[frozenset[str]], topics) -> str:
    """Return one row: texts exactly right, everyday texts left alone, and each topic's P / R."""
    exact = sum(g == t for g, t in zip(given, truth, strict=True))
    everyday = [g for g, t in zip(given, truth, strict=True) if not t]
    both = 0
    cells = []
    for s in scores(given, truth, topics):
        both += s.precision >= 0.95 and s.recall >= 0.90
        cells.append(f"{s.precision:4.0%}/{s.recall:4.0%}")
    return (
        f"{name:22} {exact / len(truth):6.1%} {sum(not g for g in everyday) / len(everyday):6.1%}"
        f" {both:>4}  " + " ".join(cells)
    )


def main() -> None:
    directory = load_file(ROOT / "data" / "referrals.yaml")
    topics = tuple(topic.id for topic in directory.topics)
    table = read_table(TABLE)
    truth = [row.topics for row in table]
    read = {}
    for name, path in READERS.items():
        rows = read_table(path)
        if [row.text for row in rows] != [row.text for row in table]:
            raise SystemExit(f"{path}: not the held-out table's texts in its order")
        read[name] = [row.topics for row in rows]
    index = build_index(directory)
    bot = [frozenset(index.match(row.text).topics) for row in table]
    # a topic is the majority's when two of the three labellings (table, A, B) give it
    votes = zip(truth, *read.values(), strict=True)
    majority = [frozenset(t for t in topics if sum(t in one for one in v) >= 2) for v in votes]
    print(
        f"{'against':22} {'exact':>6} {'every':>6} {'both':>4}  "
        + " ".join(f"{t[:9]:>9}" for t in topics)
    )
    print("-- the table's labels")
    for name, given in read.items():
        print(line(name, given, truth, topics))
    print(line("the bot", bot, truth, topics))
    print("-- one reader's labels against the other's")
    print(line("reader B vs reader A", read["reader B"], read["reader A"], topics))
    print("-- the majority of the table and the two readers")
    print(line("the bot", bot, majority, topics))
    readers = list(zip(*read.values(), strict=True))
    wrong = [(t, one) for g, want, one in zip(bot, truth, readers, strict=True) for t in g - want]
    missed = [(t, one) for g, want, one in zip(bot, truth, readers, strict=True) for t in want - g]
    alone = [t for t, one in wrong if not any(t in labels for labels in one)]
    each = ", ".join(f"{t} {alone.count(t)} of {sum(w == t for w, _ in wrong)}" for t in topics)
    print(f"the bot's wrong topics: {len(wrong)}, given by neither reader: {len(alone)} ({each})")
    print(
        f"the bot's missed topics: {len(missed)}, given by neither reader:"
        f" {sum(not any(t in labels for labels in one) for t, one in missed)}"
    )


if __name__ == "__main__":
    main()
