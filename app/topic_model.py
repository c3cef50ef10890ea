"""Learn the topics from staff's example texts, and score a text against what was learned.

Training (scikit-learn's logistic regression over word and character n-grams) runs once per
loaded directory. Scoring a text needs no library call: its n-grams are looked up in the learned
vocabulary and weighed with numpy, so one short text costs tens of microseconds, not the
milliseconds of a vectorizer's per-call overhead. Nothing of a scored text is kept.
"""

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

EVERYDAY = ""  # the class of texts about no topic
THRESHOLD = 0.4  # a topic is given when the model is at least this sure of it (unless set)
C = 30.0  # inverse regularisation: chosen by cross-validation on the examples (docs/matching.md)
TOLERANCE = 1e-2  # saga stops here: a tighter fit took 10 times longer and scored no better
MIN_DF = 2  # an n-gram seen in one example only is noise, not a pattern
CHARS = (3, 5)  # character n-grams within a word: stems, plurals, typos, slang spellings
MAX_WORDS = 300  # words scored per text: a text's need is said long before this
MAX_WORD = 24  # characters of a word used for n-grams: longer "words" are noise


def features(normal: str) -> list[str]:
    """Return the n-grams of a normalised text: words, word pairs, characters within words."""
    words = normal.split()[:MAX_WORDS]
    grams = [f"p {a} {b}" for a, b in pairwise(words)]
    for word in words:
        grams += word_features(word)
    return grams


def word_features(word: str) -> list[str]:
    """Return the n-grams of one word: the word itself and its letters, in order."""
    grams = [f"w {word}"]
    padded = f"<{word[:MAX_WORD]}>"
    low, high = CHARS
    for n in range(low, high + 1):
        grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


def describe(gram: str) -> str:
    """Return an n-gram as staff read it: a word, a pair of words, or letters of a word."""
    if gram.startswith("w "):
        return f"the word '{gram[2:]}'"
    if gram.startswith("p "):
        return f"the words '{gram[2:]}'"
    letters = gram.strip("<>")
    if gram.startswith("<") and gram.endswith(">"):
        return f"the word '{letters}'"
    if gram.startswith("<"):
        return f"a word starting '{letters}'"
    if gram.endswith(">"):
        return f"a word ending '{letters}'"
    return f"'{letters}' inside a word"


@dataclass(frozen=True)
class Example:
    """A text staff gave for a topic (EVERYDAY: for no topic), and where the file has it."""

    text: str
    topic: str
    language: str
    line: int = 1


@dataclass(frozen=True)
class Why:
    """Why the model gave, or did not give, a topic to a text."""

    topic: str
    score: float
    threshold: float
    grams: tuple[str, ...]  # the n-grams that weighed most for the topic, described
    nearest: tuple[Example, ...]  # the topic's examples most like the text

    @property
    def given(self) -> bool:
        return self.score >= self.threshold


class TopicModel:
    """Learned weights: a probability per topic for any text, and the examples behind them."""

    def __init__(
        self, examples: list[Example], normal_texts: list[str], thresholds: dict[str, float]
    ):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.examples = examples
        vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=MIN_DF)
        matrix = vectorizer.fit_transform(normal_texts)
        labels = [example.topic for example in examples]
        # saga visits the examples in a random order: fix it, so a file always learns the same
        model = LogisticRegression(C=C, solver="saga", tol=TOLERANCE, max_iter=200, random_state=0)
        model.fit(matrix, labels)
        self.classes: tuple[str, ...] = tuple(str(c) for c in model.classes_)
        coef, bias = model.coef_, model.intercept_
        if len(self.classes) == 2:  # a binary model keeps one row: the second class's odds
            coef, bias = np.vstack([np.zeros_like(coef), coef]), np.array([0.0, bias[0]])
        self.vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        self.names = vectorizer.get_feature_names_out()  # n-gram by column, for explanations
        self.idf = vectorizer.idf_
        self.weights = np.ascontiguousarray(coef.T)  # one row per n-gram, one column per class
        self.bias = bias
        self.matrix = matrix.tocsr()  # the examples as vectors, to find the nearest ones
        self.thresholds = {c: thresholds.get(c) or THRESHOLD for c in self.classes}
        # The examples' words, each with its known n-grams looked up once: a text is mostly such
        # words, so scoring it is a dictionary lookup per word. Built from staff's examples only;
        # a texter's word that is not among them is split afresh and never kept.
        self.known_words: dict[str, np.ndarray] = {
            word: self._indices(word_features(word))
            for word in {word for normal in normal_texts for word in normal.split()}
        }

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(c for c in self.classes if c != EVERYDAY)

    def _indices(self, grams: list[str]) -> np.ndarray:
        """Return the columns of the n-grams that were learned (the others are dropped)."""
        found = [j for j in map(self.vocabulary.get, grams) if j is not None]
        return np.array(found, dtype=np.intp)

    def _vector(self, normal: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the text's known n-grams (indices) and their tf-idf values, unit length.

        The same vector as the vectorizer's (features() of the text), built word by word.
        """
        words = normal.split()[:MAX_WORDS]
        known = self.known_words
        parts = [known.get(word) for word in words]
        parts = [
            self._indices(word_features(word)) if part is None else part
            for word, part in zip(words, parts, strict=True)
        ]
        parts.append(self._indices([f"p {a} {b}" for a, b in pairwise(words)]))
        index, tf = np.unique(np.concatenate(parts), return_counts=True)
        if not len(index):
            return index, np.zeros(0)
        values = (1.0 + np.log(tf)) * self.idf[index]  # sublinear tf, as the vectorizer learned
        return index, values / np.sqrt(values @ values)

    def probabilities(self, normal: str) -> dict[str, float]:
        """Return how sure the model is of each class (topics and EVERYDAY) for the text."""
        return self._probabilities(*self._vector(normal))

    def _probabilities(self, index: np.ndarray, values: np.ndarray) -> dict[str, float]:
        logits = values @ self.weights[index] + self.bias
        odds = np.exp(logits - logits.max())
        return dict(zip(self.classes, (odds / odds.sum()).tolist(), strict=True))

    def topics_of(self, normal: str) -> set[str]:
        """Return the topics the model gives the text."""
        index, values = self._vector(normal)
        if not len(index):
            return set()  # nothing the examples taught: the classes' priors alone would decide
        sure = self._probabilities(index, values)
        return {t for t, p in sure.items() if t != EVERYDAY and p >= self.thresholds[t]}

    def explain(self, normal: str, topic: str, count: int = 3) -> Why:
        """Return what weighed for `topic` in the text, and the topic's nearest examples."""
        k = self.classes.index(topic)
        index, values = self._vector(normal)
        weigh = values * self.weights[index, k]
        top = [int(index[i]) for i in np.argsort(-weigh)[:count] if weigh[i] > 0]
        similar = np.zeros(len(self.examples))
        if len(index):
            similar = self.matrix[:, index] @ values
        own = [i for i in np.argsort(-similar) if self.examples[i].topic == topic][:2]
        return Why(
            topic,
            self._probabilities(index, values)[topic],
            self.thresholds[topic],
            tuple(describe(str(self.names[j])) for j in top),
            tuple(self.examples[i] for i in own if similar[i] > 0),
        )


def train(
    examples: list[Example], normal_texts: list[str], thresholds: dict[str, float] | None = None
) -> TopicModel | None:
    """Return the model learned from the examples, or None if they teach fewer than 2 classes.

    `thresholds` may set, per topic, how sure the model must be to give it.
    """
    if len({example.topic for example in examples}) < 2:
        return None
    try:
        return TopicModel(examples, normal_texts, thresholds or {})
    except ValueError:  # no n-gram is in two examples: nothing to learn from
        return None


def held_out_probabilities(
    examples: list[Example], normal_texts: list[str], folds: int = 5
) -> list[dict[str, float]]:
    """Return, for each example, the probabilities of a model trained without its fold."""
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{example.topic}:{example.language}" for example in examples]
    folds = min(folds, *Counter(strata).values())  # every fold needs each topic and language
    found: list[dict[str, float]] = [{} for _ in examples]
    split = StratifiedKFold(folds, shuffle=True, random_state=0).split(normal_texts, strata)
    for train_at, test_at in split:
        model = TopicModel([examples[i] for i in train_at], [normal_texts[i] for i in train_at], {})
        for i in test_at:
            found[i] = model.probabilities(normal_texts[i])
    return found


def suggest_threshold(
    topic: str, examples: list[Example], held_out: list[dict[str, float]], precision: float
) -> tuple[float, float, float]:
    """Return the lowest threshold whose held-out precision for `topic` reaches `precision`.

    Returns (threshold, its precision, its recall); if none reaches it, the most precise.
    """
    best = None
    for step in range(30, 91, 5):
        threshold = step / 100
        given = [p.get(topic, 0.0) >= threshold for p in held_out]
        wanted = [example.topic == topic for example in examples]
        right = sum(g and w for g, w in zip(given, wanted, strict=True))
        wrong = sum(g and not w for g, w in zip(given, wanted, strict=True))
        found = (threshold, right / max(right + wrong, 1), right / max(sum(wanted), 1))
        if found[1] >= precision:
            return found
        if best is None or found[1] > best[1]:
            best = found
    return best
