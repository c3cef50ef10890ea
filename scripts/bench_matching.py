"""Measure matching in process: build time, cost per text (p50/p99), the slowest texts, memory.

Run by `make bench` after the server benchmark. Texts come from the held-out table (what texters
write) and from constructions meant to be slow; each is matched many times and the figures are
per call. Nothing here is a test: it prints, it does not assert.
"""

import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.directory import DEFAULT_PATH  # noqa: E402
from app.evaluation import read_table  # noqa: E402
from app.matching import build_index  # noqa: E402
from app.validation import load_file  # noqa: E402

ROUNDS = 5
MAX_BODY = 1600  # a Twilio text is at most 1,600 characters


def per_call(match, texts: list[str], rounds: int = ROUNDS) -> list[float]:
    """Return each text's best time over `rounds` (seconds): the cost, not the machine's noise."""
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        for n, text in enumerate(texts):
            started = time.perf_counter()
            match(text)
            best[n] = min(best[n], time.perf_counter() - started)
    return best


def constructed() -> dict[str, str]:
    """Return texts built to cost as much as a text can: long, unknown, expanding."""
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    unknown = " ".join("".join(rng.choice(letters) for _ in range(9)) for _ in range(200))
    common = ROOT / "app" / "common_words.txt"
    vocabulary = [w for w in common.read_text(encoding="utf-8").split() if w.isalpha()]
    words = " ".join(rng.choice(vocabulary) for _ in range(400))
    return {
        "1,600 characters of everyday words": words[:MAX_BODY],
        "1,600 characters of 9-letter non-words (typo search)": unknown[:MAX_BODY],
        "1,600 squared katakana (expand under NFKC)": "\u3300" * MAX_BODY,
        "1,600 U+FDFA (18 letters each under NFKC)": "\ufdfa" * MAX_BODY,
        "1,600 ligatures ffi": "\ufb03" * MAX_BODY,
        "one 1,600-letter word": "a" * MAX_BODY,
        "800 two-letter words": "ab " * (MAX_BODY // 3),
    }


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT_PATH)
    started = time.perf_counter()
    directory = load_file(path)
    loaded = time.perf_counter()
    index = build_index(directory)
    built = time.perf_counter()
    print(f"matching on {path}")
    print(
        f"load and check the file: {loaded - started:.2f} s; build the index and model: "
        f"{built - loaded:.2f} s"
    )

    texts = [row.text for row in read_table(ROOT / "tests" / "heldout.tsv")]
    costs = sorted(per_call(index.match, texts))
    p50, p99 = costs[len(costs) // 2], costs[int(len(costs) * 0.99)]
    print(
        f"held-out texts ({len(texts)}): p50 {p50 * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms, "
        f"max {costs[-1] * 1e3:.3f} ms per text"
    )

    slowest = 0.0
    for name, text in constructed().items():
        cost = min(per_call(index.match, [text], rounds=3))
        slowest = max(slowest, cost)
        print(f"  {name}: {cost * 1e3:.1f} ms")
    print(f"slowest text constructed: {slowest * 1e3:.1f} ms (goal <= 20 ms)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (directory, index and model loaded): {rss:.0f} MB")


if __name__ == "__main__":
    main()
