"""Read a misspelt word as the example word it stands for, before the model scores a text (pure).

The model knows a word by its runs of four letters, so a typo in the middle of a short word
("kidnaped", "desaparesida", "tambein") leaves it few of them. A word that no example has is
read as a common example word one letter off it: one letter missing, added, changed, or two
swapped. Never the first letter, which texters rarely get wrong, and never an everyday word of
its own ("fired" is not "tired"). Failing that, a word of two common example words run together
("kickedout") is read as the two. On the development tables with a third of the longer words
mistyped at random, this gave back 44-56 of the 65-71 texts the typos cost; with a sixth of the
pairs of words run together, 45 of the 56-57 they cost; as written, it changed none (on a table
of realistic misspellings, within noise: see docs/matching.md). Keywords have their own typo
search (matching.py); this one only feeds the model.
"""

from collections import Counter

from rapidfuzz.distance import OSA

MIN_LETTERS = 5  # a shorter word has too many neighbours to guess which one was meant
MIN_EXAMPLES = 5  # a word this common among the examples may be what a typo meant
MIN_RUN = 4  # letters: "imok" may be two words run together
MAX_LETTERS = 24  # a longer "word" is noise, not a typo (as matching.MAX_WORD)


def _variants(word: str) -> set[str]:
    """Return `word` and each spelling of it with one letter after the first deleted: two
    words one typo apart share one of these (a symmetric-delete index)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(1, len(word))}


class Spelling:
    """The examples' common words, by their one-letter-off variants, to read typos as them."""

    def __init__(self, normal_texts: list[str], known, common: frozenset[str]):
        """`known`: the words not to read as others (every example's and keyword's words);
        `common`: everyday words, never typos."""
        self.known, self.common = known, common
        counts = Counter(word for normal in normal_texts for word in set(normal.split()))
        self.counts = {
            word: count
            for word, count in counts.items()
            if count >= MIN_EXAMPLES and len(word) <= MAX_LETTERS and word.isalpha()
        }
        best: dict[str, str] = {}
        for word in sorted(self.counts, key=lambda w: (-self.counts[w], w)):  # most common first
            if len(word) >= MIN_LETTERS:
                for variant in _variants(word):
                    best.setdefault(variant, word)
        # variant -> the most common word that has it (keeping every word a variant has, 1,358
        # of 24,212 variants, chose the same fixes on the development tables)
        self.best = best

    def fixed(self, word: str) -> str | None:
        """Return the common example word(s) `word` stands for, or None: the word it is a
        typo of, else two words run together ("kickedout")."""
        if (
            word in self.known
            or not MIN_RUN <= len(word) <= MAX_LETTERS
            or not word.isalpha()
            or word in self.common
        ):
            return None
        counts = self.counts
        if len(word) >= MIN_LETTERS:
            # a shared variant may also be a letter deleted from each in two places: two typos
            found = {
                meant
                for variant in _variants(word)
                if (meant := self.best.get(variant))
                and OSA.distance(word, meant, score_cutoff=1) <= 1
            }
            if found:
                return min(found, key=lambda w: (-counts[w], w))
        splits = [
            (min(counts[word[:n]], counts[word[n:]]), word[:n], word[n:])
            for n in range(2, len(word) - 1)
            if word[:n] in counts and word[n:] in counts
        ]
        if splits:
            _, first, second = max(splits)  # both words as common as can be
            return f"{first} {second}"
        return None

    def read(self, normal: str) -> tuple[str, list[tuple[str, str]]]:
        """Return the normal text with its typos read as example words, and those (typo, word)."""
        words = normal.split()
        fixes = []
        for n, word in enumerate(words):
            meant = self.fixed(word)
            if meant is not None:
                fixes.append((word, meant))
                words[n] = meant
        return (" ".join(words), fixes) if fixes else (normal, fixes)
