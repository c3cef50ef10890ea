"""Learn the topics from staff's example texts, and score a text against what was learned.

Training (scikit-learn's logistic regressions over word and character n-grams) runs once per
loaded directory. Scoring a text needs no library call: its n-grams are looked up in the learned
vocabulary and weighed with numpy, so one short text costs tens of microseconds, not the
milliseconds of a vectorizer's per-call overhead. Nothing of a scored text is kept.
"""

from collections import Counter
from dataclasses import dataclass
from itertools import chain, pairwise

import numpy as np

EVERYDAY = ""  # the class of texts about no topic
THRESHOLD = 0.3  # a topic is given when its score is at least this (unless the file sets one)
# Inverse regularisation of the two questions (see TopicModel), chosen on a development table
# written apart from the examples and from the held-out table (docs/matching.md).
C_SOME = 30.0
C_TOPIC = 10.0
# A topic's score is P(some topic) ** SOME_POWER * P(this topic | some topic). Raised to a power,
# the first question holds back everyday texts that borrow a topic's words as firmly as when each
# topic's question also learned from everyday texts, and texts about topics keep the second
# question's sharper answer. Squared until the questions learned NB-weighted n-grams (below),
# which give lower scores and so lower thresholds: with them, everyday examples held out were
# given a topic 287 times in 8,364 squared and 216 times cubed, against 211 before
# (docs/matching.md).
SOME_POWER = 3
# Each question's n-grams are weighed first by how much more often they are in its "yes" rows than
# in its "no" rows (the log of the ratio of their shares, each n-gram's sum smoothed by
# NB_SMOOTHING), as in Wang and Manning's "NB-SVM" (2012): the regression then spends its
# weights on the n-grams that tell the answers apart. Only learning changes: the weights kept are
# the regression's times the ratio, so a text is scored as before. On the development tables,
# 1,406 texts of 1,500 exactly right against 1,384 (1,402-1,409 for smoothing from 0.01 to 0.1,
# the chance of some topic squared).
NB_SMOOTHING = 0.05
# liblinear stops here. NB-weighted n-grams take it more steps: 0.3 gives the same figures on the
# development tables as 0.1 (1,406 texts) and the examples held out (215 and 216 everyday texts
# given a topic), and fits a third faster.
TOLERANCE = 0.3
# A text the model is at least LONE_SOME sure is about some topic, yet gives no topic, gets the
# topic that scores highest, if its score is at least LONE_SHARE of its threshold.
# Such a text is mostly split between two topics whose examples share its words ("i dont have a
# safe place to sleep tonight": runaway 0.23 and basic needs 0.24, each needing 0.3), and the
# bot answered it as if it were about nothing. On six development tables held out in turn:
# 2,344 texts of 2,700 exactly right against 2,332, 15 fewer topics missed, 5 more wrong, and one
# everyday text more given a topic; on the examples held out, 149 more exactly right and 22 more
# of 8,807 everyday examples given a topic (docs/matching.md, twelfth round).
LONE_SOME = 0.9
LONE_SHARE = 0.5
MIN_DF = 2  # an n-gram seen in one example only is noise, not a pattern
# Character n-grams within a word: stems, plurals, typos, slang spellings. Four letters only
# (with the word's edges: "<abu", "sing>"). On the development tables, with 24,000 examples:
# 1,382 texts of 1,500 exactly right, against 1,375 for 4 and 5 letters, 1,369-1,387 for other
# lengths and ranges (longer n-grams did better) and 1,370 for none; but with a third of the
# longer words mistyped, 4 letters kept the most (1,310-1,323, against 1,304-1,307 for 4 and
# 5 and 1,289-1,311 for 6). The vectors hold 28 % fewer values than with 4 and 5, and the
# model is built in two thirds of the time. Not 3 letters: they join words of the two
# languages that share nothing but letters ("men" in "mensajes").
CHARS = (4, 4)
# A text leans Spanish when at least SPANISH_GRAMS of its n-grams are, on average, e ** SPANISH_ODDS
# times as common in the Spanish examples as in the English ones: "buenas tardes" (4.2 on the
# shipped file) does; markup ("<Response><Dial>", 0.75: "dial" has "dia") and "k" do not.
SPANISH_GRAMS = 2
SPANISH_ODDS = 1.0
SHRINK = 2.0  # examples' worth of the pooled rate each language's rate of an n-gram starts from
MAX_WORDS = 300  # words scored per text: a text's need is said long before this
MAX_WORD = 24  # characters of a word used for n-grams: longer "words" are noise


def features(normal: str) -> list[str]:
    """Return the n-grams of a normalised text: words, runs of words, characters within words."""
    words = normal.split()[:MAX_WORDS]
    grams = runs(words)
    for word in words:
        grams += word_features(word)
    return grams


def runs(words: list[str]) -> list[str]:
    """Return the runs of two and of three words in `words`, in order.

    Three words tell what two cannot: "not like he" hits, "gave away my" things, "la renta de".
    """
    return [f"p {a} {b}" for a, b in pairwise(words)] + [
        f"t {a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)
    ]


def word_features(word: str) -> list[str]:
    """Return the n-grams of one word: the word itself and its letters, in order."""
    grams = [f"w {word}"]
    padded = f"<{word[:MAX_WORD]}>"
    low, high = CHARS
    for n in range(low, high + 1):
        grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


def describe(gram: str) -> str:
    """Return an n-gram as staff read it: a word, words in a row, or letters of a word."""
    if gram.startswith("w "):
        return f"the word '{gram[2:]}'"
    if gram.startswith(("p ", "t ")):
        return f"the words '{gram[2:]}'"
    letters = gram.strip("<>")
    if gram.startswith("<") and gram.endswith(">"):
        return f"the word '{letters}'"
    if gram.startswith("<"):
        return f"a word starting '{letters}'"
    if gram.endswith(">"):
        return f"a word ending '{letters}'"
    return f"'{letters}' inside a word"


@dataclass(frozen=True, slots=True)  # slots: 64 bytes each, not 104; a worker keeps 25,000
class Example:
    """A text staff gave for its topics (none: an everyday text), and where the file has it."""

    text: str
    topics: tuple[str, ...]
    language: str
    line: int = 1

    @property
    def name(self) -> str:
        """Return what staff call the example's topics: 'abuse', 'abuse and crisis', 'everyday'."""
        return " and ".join(self.topics) or "everyday"


@dataclass(frozen=True)
class Why:
    """Why the model gave, or did not give, a topic to a text."""

    topic: str
    score: float
    threshold: float
    grams: tuple[str, ...]  # the n-grams that weighed most for the topic, described
    nearest: tuple[Example, ...]  # the topic's examples most like the text
    # how sure the model is that the text is about some topic, when it gives this topic as the
    # likeliest of a text it would otherwise give none (see LONE_SOME); else None
    alone: float | None = None

    @property
    def given(self) -> bool:
        return self.score >= self.threshold or self.alone is not None


SURE = 40.0  # the bias of a question with one answer: its chance is 1 to within 1e-17


def fit(matrix, wanted: np.ndarray, strength: float) -> tuple[np.ndarray, float]:
    """Return the weights and bias of a logistic regression telling `wanted` rows from the rest."""
    if wanted.all():  # every example says yes (a file teaching one topic): nothing to learn
        return np.zeros(matrix.shape[1]), SURE
    from sklearn.linear_model import LogisticRegression

    ratio = log_count_ratio(matrix, wanted)
    scaled = matrix.tocsr(copy=True)  # each row's values times their columns' ratios
    scaled.data *= ratio[scaled.indices]
    # the dual problem: with fewer examples than n-grams it is the smaller, and learns faster
    model = LogisticRegression(
        C=strength, solver="liblinear", dual=True, tol=TOLERANCE, random_state=0
    )
    model.fit(scaled, wanted)
    return model.coef_[0] * ratio, float(model.intercept_[0])


def log_count_ratio(matrix, wanted: np.ndarray) -> np.ndarray:
    """Return, per column, the log of its share of the `wanted` rows' values over its share of
    the other rows' (each column's sum smoothed by NB_SMOOTHING): > 0 where it leans "yes"."""
    yes = NB_SMOOTHING + np.asarray(matrix[wanted].sum(axis=0)).ravel()
    no = NB_SMOOTHING + np.asarray(matrix[~wanted].sum(axis=0)).ravel()
    return np.log(yes / yes.sum()) - np.log(no / no.sum())


def fit_one_by_one(questions: list[tuple]) -> list[tuple]:
    """Return each question's regression (weights, bias), fitted in turn.

    A question is (matrix, wanted, strength): the examples' rows, which of them say yes, and C.
    """
    return [fit(matrix, wanted, c) for matrix, wanted, c in questions]


class _Runs:
    """The runs of two and of three words inside each example, numbered from 0 (pairs first),
    found from the examples' word numbers with numpy: no string is made for a run until it is
    known to be learned (in MIN_DF examples), and most are not."""

    def __init__(self, ids: np.ndarray, example_of: np.ndarray, words: list[str]):
        """`ids`: every example's words' numbers (in `words`), one example after another;
        `example_of`: the example of each."""
        self.words = words
        width = len(words)
        # every two words in a row, across examples too: numbered to name three in a row
        self.codes, rank = np.unique(ids[:-1] * width + ids[1:], return_inverse=True)
        two = example_of[1:] == example_of[:-1]  # the two words are in one example
        three = two[:-1] & two[1:]
        self.pairs, pair_number = np.unique(rank[two], return_inverse=True)
        self.triples, triple_number = np.unique(
            rank[:-1][three] * width + ids[2:][three], return_inverse=True
        )
        self.rows = np.concatenate([example_of[:-1][two], example_of[:-2][three]])
        self.numbers = np.concatenate([pair_number, len(self.pairs) + triple_number])
        self.count = len(self.pairs) + len(self.triples)

    def learned(self, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the learned runs, given their `numbers` (ascending: pairs, then threes), as
        codes a model keeps instead of strings: a pair of words numbered a and b is
        a * width + b, and three words in a row are k * width + c, k being their first two
        words' place among the learned pairs (learned too, as each example that has the three
        has the two). Both come out ascending."""
        width = len(self.words)
        is_pair = numbers < len(self.pairs)
        pairs = self.codes[self.pairs[numbers[is_pair]]]
        rank, third = np.divmod(self.triples[numbers[~is_pair] - len(self.pairs)], width)
        return pairs, np.searchsorted(pairs, self.codes[rank]) * width + third


class TopicModel:
    """Learned weights: a score per topic for any text, and the examples behind them.

    Two questions are learned apart, each by a logistic regression: is the text about some topic
    at all (everyday texts against all others), and, for each topic, if it is about some topic,
    is it this one (its examples against the other topics' examples). A topic's score is the
    product of the two chances, the first counted SOME_POWER times. A text about two topics
    scores high on both, as nothing makes topics share one chance between them; an everyday text
    that borrows a topic's words is held back by the first question, so the second can learn
    what tells topics apart, undistracted by everyday texts.
    """

    def __init__(
        self,
        examples: list[Example],
        normal_texts: list[str],
        thresholds: dict[str, float],
        fit_all=fit_one_by_one,
    ):
        """Learn from the examples; `fit_all(questions)` fits the regressions (see
        fit_one_by_one; the learner process fits them on two cores)."""
        self.examples = examples
        matrix = self._learn_vocabulary(normal_texts)
        self.topics: tuple[str, ...] = tuple(
            dict.fromkeys(topic for example in examples for topic in example.topics)
        )
        some = np.array([bool(example.topics) for example in examples])
        about = matrix[some]  # the rows of the examples about some topic
        topical = [example.topics for example in examples if example.topics]
        questions = [(matrix, some, C_SOME)] + [
            (about, np.array([t in topics for topics in topical]), C_TOPIC) for t in self.topics
        ]
        fitted = fit_all(questions)
        # one row per n-gram; column 0 says "some topic", then one column per topic. Single
        # precision: every worker keeps a copy (3 MB less), and a score moves by less than 1e-6.
        self.weights = np.stack([coef for coef, _ in fitted], axis=1).astype(np.float32)
        self.bias = np.array([bias for _, bias in fitted])
        self.spanish_odds = _spanish_odds(matrix, examples)
        # Which examples have each n-gram, column by column, to find the nearest ones. Plain
        # arrays: a process that only scores texts never needs scipy. As small as they can be,
        # since each worker keeps a copy: the examples' rows in 16 bits while they fit, and no
        # weights. An example's weight for an n-gram is the n-gram's idf times the example's
        # `example_scale` (1 / its length) times 1 + log(how often the example has it), and
        # only that last factor is kept, where it is not 1: for the 4 % of the rows whose
        # example has the n-gram more than once (4 MB less for the shipped file than weights
        # in half precision, and exact).
        by_gram = matrix.tocsc()
        found = by_gram.indices
        columns = np.repeat(np.arange(by_gram.shape[1]), np.diff(by_gram.indptr))
        often = by_gram.data / (self.idf[columns] * self.example_scale[found])
        again = np.flatnonzero(often > 1.0 + 1e-6)  # 1 + log(2) is the least above 1
        rows = np.uint16 if len(examples) <= np.iinfo(np.uint16).max else np.int32
        self.by_gram = (by_gram.indptr.astype(np.int32, copy=False), found.astype(rows))
        self.repeated = (again.astype(np.int32), often[again].astype(np.float32))
        self.thresholds = {t: thresholds.get(t) or THRESHOLD for t in self.topics}

    def arrays(self) -> dict[str, np.ndarray]:
        """Return what was learned as plain arrays (no objects: nothing that needs pickle), from
        which `from_arrays` makes the same model again. The examples and thresholds are not in
        them: they come from the file each time."""
        return {
            **_packed("singles", self.singles),
            **_packed("words", self.words),
            **_packed("topics", self.topics),
            "known_columns": self.known_columns,
            "known_starts": self.known_starts,
            "pairs": self.pairs,
            "triples": self.triples,
            "idf": self.idf,
            "example_scale": self.example_scale,
            "weights": self.weights,
            "bias": self.bias,
            "spanish_odds": self.spanish_odds,
            "by_gram_starts": self.by_gram[0],
            "by_gram_rows": self.by_gram[1],
            "repeated_at": self.repeated[0],
            "repeated_often": self.repeated[1],
        }

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, np.ndarray], examples: list[Example], thresholds: dict[str, float]
    ) -> "TopicModel":
        """Return the model `arrays()` gave, for these examples and thresholds.

        Raises ValueError if the arrays do not fit one another or the examples (a file cut
        short, say): a model that cannot be trusted is learned again, never served.
        """
        if any(array.dtype.kind not in "iuf" for array in arrays.values()):
            raise ValueError("an array holds objects, not numbers")
        model = cls.__new__(cls)
        model.examples = examples
        model.singles = _unpacked("singles", arrays)
        model.vocabulary = {gram: j for j, gram in enumerate(model.singles)}
        model.words = _unpacked("words", arrays)
        model.word_ids = {word: i for i, word in enumerate(model.words)}
        model.known_columns = columns = arrays["known_columns"]
        model.known_starts = starts = arrays["known_starts"]
        if (
            any(array.dtype.kind != "i" or array.ndim != 1 for array in (starts, columns))
            or len(starts) != len(model.words) + 1
            or starts[0] != 0
            or starts[-1] != len(columns)
            or (starts[1:] < starts[:-1]).any()  # not np.diff, which can overflow
        ):
            raise ValueError("the examples' words and their n-grams do not match")
        model.pairs, model.triples = arrays["pairs"], arrays["triples"]
        model.idf, model.example_scale = arrays["idf"], arrays["example_scale"]
        model.topics = tuple(_unpacked("topics", arrays))
        model.weights, model.bias = arrays["weights"], arrays["bias"]
        model.spanish_odds = arrays["spanish_odds"]
        model.by_gram = (arrays["by_gram_starts"], arrays["by_gram_rows"])
        model.repeated = (arrays["repeated_at"], arrays["repeated_often"])
        width = len(model.singles) + len(model.pairs) + len(model.triples)
        rows = model.by_gram[1]
        if (
            model.weights.shape != (width, len(model.topics) + 1)
            or len(model.bias) != len(model.topics) + 1
            or not len(model.idf) == len(model.spanish_odds) == width
            or len(model.by_gram[0]) != width + 1
            or int(model.by_gram[0][-1]) != len(rows)
            or len(model.example_scale) != len(examples)
            or (len(rows) and not 0 <= int(rows.min()) <= int(rows.max()) < len(examples))
            or (len(columns) and not 0 <= int(columns.min()) <= int(columns.max()) < width)
        ):
            raise ValueError("the learned arrays do not fit one another or the examples")
        model.thresholds = {t: thresholds.get(t) or THRESHOLD for t in model.topics}
        return model

    def _learn_vocabulary(self, normal_texts: list[str]):
        """Learn the n-grams found in at least MIN_DF examples and how rare each is (idf), and
        return the examples' vectors, a row each, as a sparse matrix.

        What scikit-learn's TfidfVectorizer(min_df=MIN_DF, sublinear_tf=True) learns and gives,
        with each word split into n-grams once rather than once per example that uses it.
        """
        from scipy.sparse import csr_matrix

        numbers: dict[str, int] = {}  # every word's n-gram, numbered as first seen
        words = list(dict.fromkeys(" ".join(normal_texts).split()))  # in order first seen
        word_id = {word: i for i, word in enumerate(words)}
        split = [[numbers.setdefault(g, len(numbers)) for g in word_features(w)] for w in words]
        sizes = np.array([len(grams) for grams in split], dtype=np.intp)  # n-grams per word
        starts = np.cumsum(sizes) - sizes  # where each word's n-grams start in `letters`
        letters = np.fromiter(chain.from_iterable(split), dtype=np.intp, count=int(sizes.sum()))
        used_ids: list[int] = []  # every example's words, in turn
        word_counts = []
        for normal in normal_texts:
            used = normal.split()[:MAX_WORDS]
            used_ids += map(word_id.__getitem__, used)
            word_counts.append(len(used))
        ids = np.array(used_ids, dtype=np.intp)
        example_of = np.repeat(np.arange(len(normal_texts)), word_counts)  # of each used word
        # each used word's n-grams, gathered in one numpy step rather than one per example
        lengths = sizes[ids]
        before = np.cumsum(lengths) - lengths
        at = np.repeat(starts[ids] - before, lengths) + np.arange(int(lengths.sum()))
        runs_found = _Runs(ids, example_of, words)  # numbered after the words' n-grams
        rows = np.concatenate([np.repeat(example_of, lengths), runs_found.rows])
        grams = np.concatenate([letters[at], len(numbers) + runs_found.numbers])
        total = len(numbers) + runs_found.count
        # every (example, n-gram) once, with how often the n-gram is in the example, in order:
        # scipy sums the repeats row by row, a quarter of the time of np.unique's one sort
        counted = csr_matrix(
            (np.ones(len(rows), dtype=np.int32), (rows, grams)), shape=(len(normal_texts), total)
        )
        tf, grams = counted.data, counted.indices
        rows = np.repeat(np.arange(len(normal_texts)), np.diff(counted.indptr))
        found_in = np.bincount(grams, minlength=total)
        learned = np.flatnonzero(found_in >= MIN_DF)
        if not len(learned):
            raise ValueError("no n-gram is in two examples: nothing to learn from")
        # The columns: the n-grams within words, in alphabetical order, then the pairs of words,
        # then the threes. The runs (two thirds of the columns) are kept as numbers, not
        # strings: 9 MB less in every worker for the shipped file.
        of_words = list(numbers)
        single = learned[learned < len(numbers)]
        named = [of_words[n] for n in single.tolist()]
        order = sorted(range(len(named)), key=named.__getitem__)
        self.singles = [named[i] for i in order]  # the n-grams within words, by column
        self.vocabulary: dict[str, int] = {gram: j for j, gram in enumerate(self.singles)}
        run_numbers = learned[learned >= len(numbers)] - len(numbers)
        self.words = words  # every word of the examples, numbered as the runs' codes have them
        self.word_ids = word_id
        self.pairs, self.triples = runs_found.learned(run_numbers)
        kept_numbers = np.concatenate(
            [single[np.array(order, dtype=np.intp)], len(numbers) + run_numbers]
        )
        column = np.full(total, -1, dtype=np.intp)  # number -> column, -1 if not kept
        column[kept_numbers] = np.arange(len(kept_numbers))
        # how rare each n-gram is among the examples, smoothed as scikit-learn does
        self.idf = np.log((1 + len(normal_texts)) / (1 + found_in[kept_numbers])) + 1.0
        # The examples' words, each with its learned n-grams' columns found once: a text is mostly
        # such words, so scoring it is a dictionary lookup and a slice per word. Built from
        # staff's examples only; a texter's word that is not among them is split afresh and never
        # kept. Word i's columns are known_columns[known_starts[i]:known_starts[i + 1]]: one
        # array, not one per word (14,000 small arrays, each its own allocation when the model
        # came back from the learner, kept about 20 MB more in each gunicorn worker).
        columns = column[letters]  # every word's n-grams, word after word, -1 if not learned
        kept = columns >= 0
        self.known_columns = columns[kept]
        self.known_starts = _starts(np.repeat(np.arange(len(words)), sizes)[kept], len(words))
        columns = column[grams]
        keep = columns >= 0
        rows, columns, tf = rows[keep], columns[keep], tf[keep]
        values = self._tfidf(columns, tf)
        lengths = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(normal_texts)))
        values /= lengths[rows]
        self.example_scale = (1.0 / np.where(lengths > 0, lengths, 1.0)).astype(np.float32)
        # each (example, n-gram) once, the rows in order: no conversion. A row's columns are
        # not in order (the runs come after the words' n-grams), which neither scipy nor
        # liblinear needs: sorting them changes no weight.
        starts = _starts(rows, len(normal_texts))
        return csr_matrix((values, columns, starts), shape=(len(normal_texts), len(kept_numbers)))

    def _indices(self, grams: list[str]) -> np.ndarray:
        """Return the columns of the n-grams that were learned (the others are dropped)."""
        found = [j for j in map(self.vocabulary.get, grams) if j is not None]
        return np.array(found, dtype=np.intp)

    def _vector(self, normal: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the text's known n-grams (indices) and their tf-idf values, unit length.

        The vector scikit-learn's TfidfVectorizer would give features() of the text.
        """
        words = normal.split()[:MAX_WORDS]
        ids = [self.word_ids.get(word, -1) for word in words]
        columns, starts = self.known_columns, self.known_starts
        parts = [
            self._indices(word_features(word)) if i < 0 else columns[starts[i] : starts[i + 1]]
            for word, i in zip(words, ids, strict=True)
        ]
        parts.append(self._runs_learned(np.array(ids, dtype=np.int64)))
        return self._weigh(*np.unique(np.concatenate(parts), return_counts=True))

    def _runs_learned(self, ids: np.ndarray) -> np.ndarray:
        """Return the columns of the runs of words that were learned: those of runs(words),
        given the words' numbers (-1: a word no example has).

        Three words in a row were learned only if both their pairs were (an n-gram is learned
        when in MIN_DF examples, and each that has the three has the two), so the threes are
        looked up only there: most of a texter's pairs are not among the examples'.
        """
        pairs, width = self.pairs, len(self.words)
        if len(ids) < 2 or not len(pairs):
            return np.zeros(0, dtype=np.intp)
        first, second = ids[:-1], ids[1:]
        codes = np.where((first >= 0) & (second >= 0), first * width + second, -1)
        at = np.minimum(np.searchsorted(pairs, codes), len(pairs) - 1)
        learned = pairs[at] == codes  # codes of unknown words (-1) are never among the pairs
        found = [len(self.singles) + at[learned]]
        both = learned[:-1] & learned[1:]
        if both.any() and len(self.triples):
            codes = at[:-1][both] * width + ids[2:][both]
            at = np.minimum(np.searchsorted(self.triples, codes), len(self.triples) - 1)
            learned = self.triples[at] == codes
            found.append(len(self.singles) + len(pairs) + at[learned])
        return np.concatenate(found)

    def gram(self, column: int) -> str:
        """Return a column's n-gram as features() spells it: "w word", "<lett", "p a pair",
        "t three in a row"."""
        if column < len(self.singles):
            return self.singles[column]
        words, width, k = self.words, len(self.words), column - len(self.singles)
        if k < len(self.pairs):
            first, second = divmod(int(self.pairs[k]), width)
            return f"p {words[first]} {words[second]}"
        pair, third = divmod(int(self.triples[k - len(self.pairs)]), width)
        first, second = divmod(int(self.pairs[pair]), width)
        return f"t {words[first]} {words[second]} {words[third]}"

    @property
    def names(self) -> list[str]:
        """Return every column's n-gram, in order (for tests: explanations name a few)."""
        return [self.gram(column) for column in range(len(self.idf))]

    def _weigh(self, index: np.ndarray, tf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the n-grams' columns and their tf-idf values, unit length."""
        if not len(index):
            return index, np.zeros(0)
        values = self._tfidf(index, tf)
        return index, values / np.sqrt(values @ values)

    def _tfidf(self, columns: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """Return the n-grams' weights before scaling to unit length: sublinear tf times idf."""
        return (1.0 + np.log(tf)) * self.idf[columns]

    def scores(self, normal: str) -> dict[str, float]:
        """Return the model's score for each topic (0 to 1), and EVERYDAY's: how sure it is that
        the text is about no topic."""
        return self._scores(*self._vector(normal))

    def _chances(self, index: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Return each question's chance of "yes": some topic, then each topic if some."""
        # in the weights' single precision: mixed with double, numpy's product takes twice as long
        weighed = values.astype(np.float32) @ self.weights[index]
        return 1.0 / (1.0 + np.exp(-(weighed + self.bias)))

    def _scores(self, index: np.ndarray, values: np.ndarray) -> dict[str, float]:
        chances = self._chances(index, values)
        some = chances[0]
        found = dict(zip(self.topics, (chances[1:] * some**SOME_POWER).tolist(), strict=True))
        found[EVERYDAY] = 1.0 - float(some)
        return found

    def _given(self, scores: dict[str, float], alone: bool) -> tuple[set[str], str | None]:
        """Return the topics given by their scores (see _scores), and the topic given as the
        likeliest of a text the model is sure is about some topic (see LONE_SOME), if any.

        `alone`: no keyword gives the text a topic (a text one does is not about nothing).
        """
        given = {t for t in self.topics if scores[t] >= self.thresholds[t]}
        if given or not alone or 1.0 - scores[EVERYDAY] < LONE_SOME:
            return given, None
        likeliest = max(self.topics, key=scores.__getitem__)
        if scores[likeliest] < LONE_SHARE * self.thresholds[likeliest]:
            return given, None
        return {likeliest}, likeliest

    def read(self, normal: str, *, alone: bool) -> tuple[set[str], bool]:
        """Return the topics the model gives the text, and whether it leans Spanish.

        `alone`: no keyword gives the text a topic, so the model gives its likeliest topic to a
        text it is sure is about some topic but gives none (see LONE_SOME).
        """
        index, values = self._vector(normal)
        if not len(index):
            return set(), False  # nothing the examples taught: the biases alone would decide
        given, _ = self._given(self._scores(index, values), alone)
        odds = self.spanish_odds[index]
        spanish = len(odds) >= SPANISH_GRAMS and float(odds.sum()) / len(odds) >= SPANISH_ODDS
        return given, spanish

    def explain(self, normal: str, topic: str, count: int = 3, *, alone: bool) -> Why:
        """Return what weighed for `topic` in the text, and the topic's nearest examples
        (`alone` as for read).

        For EVERYDAY: what weighed for no topic at all (the first question's "no"), the score
        being how sure the model is of it, and the nearest everyday examples.
        """
        k = 1 + self.topics.index(topic) if topic != EVERYDAY else 0
        index, values = self._vector(normal)
        # for EVERYDAY, what pushed the chance of some topic down
        weigh = values * self.weights[index, k] * (1 if k else -1)
        # the n-grams that weighed most, as staff read them: "<me>" and "w me" are one word
        top = [describe(self.gram(int(index[i]))) for i in np.argsort(-weigh) if weigh[i] > 0]
        # "a word starting 'lol'" says no more than "the word 'lol'" beside it
        whole = {gram for gram in top if gram.startswith("the word ")}
        top = [
            gram
            for gram in top
            if not gram.startswith(("a word starting ", "a word ending "))
            or f"the word {gram.split(' ', 3)[3]}" not in whole
        ]
        similar = self._similarity(index, values)
        own: dict[str, int] = {}  # the nearest examples, one per text (a file may repeat one)
        for i in np.argsort(-similar, kind="stable").tolist():  # ties in the file's order
            if similar[i] <= 0 or len(own) == 2:
                break
            if topic in (self.examples[i].topics or (EVERYDAY,)):
                own.setdefault(self.examples[i].text, i)
        scores = self._scores(index, values) if len(index) else None
        likeliest = scores is not None and k and self._given(scores, alone)[1] == topic
        return Why(
            topic,
            scores[topic] if scores is not None else 0.0,
            # everyday has no threshold: `given` then says the model leans to no topic
            self.thresholds[topic] if k else 0.5,
            tuple(dict.fromkeys(top))[:count],
            tuple(self.examples[i] for i in own.values()),
            1.0 - scores[EVERYDAY] if likeliest else None,
        )

    def best_topic(self, normal: str) -> tuple[str, float] | None:
        """Return the topic the model would give were the text about some topic, and how sure
        it is of that topic then (the second question alone); None for a text of no known
        n-gram."""
        index, values = self._vector(normal)
        if not len(index):
            return None
        chances = self._chances(index, values)[1:]
        best = int(np.argmax(chances))
        return self.topics[best], float(chances[best])

    def _similarity(self, index: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Return the cosine similarity of the text's vector to each example's."""
        similar = np.zeros(len(self.examples))
        starts, rows = self.by_gram
        again, often = self.repeated
        for j, weight in zip(index.tolist(), (values * self.idf[index]).tolist(), strict=True):
            start, end = starts[j], starts[j + 1]
            similar[rows[start:end]] += weight
            first, last = np.searchsorted(again, (start, end))
            similar[rows[again[first:last]]] += weight * (often[first:last] - 1.0)
        return similar * self.example_scale


def _starts(owners: np.ndarray, count: int) -> np.ndarray:
    """Return where each of `count` owners' items start, and the end of the last, given the
    owner of each item, items in their owners' order (as a sparse matrix's row starts)."""
    starts = np.zeros(count + 1, dtype=np.intp)
    np.cumsum(np.bincount(owners, minlength=count), out=starts[1:])
    return starts


def _packed(name: str, strings) -> dict[str, np.ndarray]:
    """Return strings as two arrays: their characters in UTF-8, and each one's length.

    Not numpy's own strings, which give every item the width of the longest: one 1,600-letter
    "word" in an example would make the array of 40,000 words 250 MB.
    """
    joined = "".join(strings).encode("utf-8", "surrogatepass")
    return {
        f"{name}_text": np.frombuffer(joined, dtype=np.uint8),
        f"{name}_lengths": np.array([len(s) for s in strings], dtype=np.int64),
    }


def _unpacked(name: str, arrays: dict[str, np.ndarray]) -> list[str]:
    """Return the strings _packed(name, ...) gave; ValueError if the arrays do not fit."""
    joined = arrays[f"{name}_text"].tobytes().decode("utf-8", "surrogatepass")
    ends = np.cumsum(arrays[f"{name}_lengths"]).tolist()
    if (ends[-1] if ends else 0) != len(joined) or (arrays[f"{name}_lengths"] < 0).any():
        raise ValueError(f"the {name} do not fit their lengths")
    starts = [0, *ends[:-1]] if ends else []
    return [joined[start:end] for start, end in zip(starts, ends, strict=True)]


def _spanish_odds(matrix, examples: list[Example]) -> np.ndarray:
    """Return, per n-gram, the log odds of its being in a Spanish rather than an English example.

    Naive Bayes' rates, each smoothed towards the n-gram's rate among all the examples (SHRINK
    examples' worth): an n-gram as common in both languages, or in a file of one language only,
    gets 0 and never tips a text either way. What a text's words alone cannot tell of its
    language, the examples' n-grams can ("buenas tardes", "me escape hace 2 dias").
    """
    spanish = np.array([example.language == "es" for example in examples])
    present = matrix.copy()
    present.data[:] = 1.0
    counts = [np.asarray(present[rows].sum(axis=0)).ravel() for rows in (spanish, ~spanish)]
    pooled = (counts[0] + counts[1]) / len(examples)
    rates = [
        (count + SHRINK * pooled) / (rows.sum() + SHRINK)
        for count, rows in zip(counts, (spanish, ~spanish), strict=True)
    ]
    return (np.log(rates[0]) - np.log(rates[1])).astype(np.float32)


def can_learn(examples: list[Example]) -> bool:
    """Tell whether examples teach something to tell apart: everyday texts and a topic's."""
    return any(example.topics for example in examples) and not all(e.topics for e in examples)


def train(
    examples: list[Example],
    normal_texts: list[str],
    thresholds: dict[str, float] | None = None,
    fit_all=fit_one_by_one,
) -> TopicModel | None:
    """Return the model learned from the examples, or None if they teach nothing to tell apart.

    `thresholds` may set, per topic, how sure the model must be to give it; `fit_all` fits
    the regressions (see TopicModel).
    """
    if not can_learn(examples):
        return None
    try:
        return TopicModel(examples, normal_texts, thresholds or {}, fit_all)
    except ValueError:  # no n-gram is in two examples: nothing to learn from
        return None


def held_out_scores(
    examples: list[Example], normal_texts: list[str], folds: int = 5
) -> list[dict[str, float]]:
    """Return, for each example, the scores of a model trained without its fold."""
    from sklearn.model_selection import StratifiedKFold

    # folds keep each topic's share (a text about several counts for its rarest) and each language's
    size = Counter(topic for example in examples for topic in example.topics or (EVERYDAY,))
    strata = [
        f"{min(example.topics or (EVERYDAY,), key=size.__getitem__)}:{example.language}"
        for example in examples
    ]
    folds = min(folds, *Counter(strata).values())  # every fold needs each topic and language
    if folds < 2:
        rare = min(Counter(strata).items(), key=lambda item: item[1])[0]
        raise ValueError(f"{rare} has a single example: give it at least two to hold one out")
    found: list[dict[str, float]] = [{} for _ in examples]
    split = StratifiedKFold(folds, shuffle=True, random_state=0).split(normal_texts, strata)
    for train_at, test_at in split:
        model = TopicModel([examples[i] for i in train_at], [normal_texts[i] for i in train_at], {})
        for i in test_at:
            found[i] = model.scores(normal_texts[i])
    return found


def suggest_threshold(
    topic: str, examples: list[Example], held_out: list[dict[str, float]], precision: float
) -> tuple[float, float, float]:
    """Return the lowest threshold whose held-out precision for `topic` reaches `precision`.

    Returns (threshold, its precision, its recall); if none reaches it, the most precise.
    """
    best = None
    for step in range(6, 37):
        threshold = step / 40  # 0.15 to 0.9
        given = [p.get(topic, 0.0) >= threshold for p in held_out]
        wanted = [topic in example.topics for example in examples]
        right = sum(g and w for g, w in zip(given, wanted, strict=True))
        wrong = sum(g and not w for g, w in zip(given, wanted, strict=True))
        found = (threshold, right / max(right + wrong, 1), right / max(sum(wanted), 1))
        if found[1] >= precision:
            return found
        if best is None or found[1] > best[1]:
            best = found
    return best
