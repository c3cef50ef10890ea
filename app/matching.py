"""Match what a texter or caller said against the topics' keywords (pure: no Flask, no I/O)."""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from itertools import combinations

import snowballstemmer
from rapidfuzz.distance import OSA

from .directory import LANGUAGES, Directory

MAX_GAP = 1  # words allowed between a phrase's words: "ran far away" still says "ran away"
MAX_CACHED_TOKENS = 8192  # per index: the words texters use most stay cached
MAX_WORD = 24  # longer "words" are noise, not typos of a keyword: skip the typo search
# Work per text is bounded whatever it holds: a text is at most 1,600 characters, but compatibility
# characters expand under NFKC (U+FDFA is 18 letters), and each word costs a lookup.
MAX_NORMAL = 3200  # characters of a text's normal form that are kept: 2 x 1,600
MAX_TOKENS = 400  # words of a text that are matched: a 1,600-character text has about 300
MAX_NEW_WORDS = 64  # per text: words not cached yet, each stemmed in two languages
MAX_TYPO_SEARCHES = 8  # per text (real texts need 2 at most): the costliest step of a match
MAX_PHRASE_CHECKS = 2000  # per text: "me me me ..." would try every phrase that starts with "me"
MIN_STEM = 4  # shorter stems are too loose ("comida" -> "com" would match "como")
APOSTROPHES = "'’‘`´"  # noqa: RUF001 - the look-alikes are the point

# Words that only one of the two languages uses often; they decide the reply's language.
SPANISH_WORDS = frozenset(
    "yo estoy estaba soy tengo necesito ayuda ayudame quiero puedo mi mis que por para con de del "
    "la las los el una y pero porque donde esta esto es hola gracias ella ellos mama papa novio "
    "hija hijo nadie tambien muy ya ahora casa se como cuando alguien tiene hay favor nada mas "
    "tu su sus al lo le les nos unos busco pueden ayudar hay fui voy encanta toca muero risa bien "
    "numero equivocado mucho desde ayer estas eres quien dormir anos".split()
)
ENGLISH_WORDS = frozenset(
    "i im ive id my the to and is an need help want you it of in he she him her what dont "
    "cant am are was have with for this that from home please someone somebody they them we our "
    "not be at on just so get got idk u ur".split()
)


@dataclass(frozen=True)
class Match:
    """The topics a text is about, in directory order, and the language to answer in."""

    topics: tuple[str, ...]
    language: str


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer({"en": "english", "es": "spanish"}[language])


@cache
def common_words() -> frozenset[str]:
    """Return everyday words that are never treated as typos (see scripts/make_common_words.py)."""
    text = files(__package__).joinpath("common_words.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


# "don't" and "dont" are the same word; "$$" and "r@ped" are spelt that way on purpose.
SPELLING = str.maketrans({**dict.fromkeys(APOSTROPHES), "$": " money ", "@": "a"})
NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"
REPEATED = re.compile(r"(\w)\1\1+")


# Texting shorthand spelt out, so "sleep w guys 4 money" reads as "sleep with guys for money".
SHORTHAND = {
    "w": "with",
    "4": "for",
    "2": "to",
    "u": "you",
    "ur": "your",
    "n": "and",
    "b4": "before",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "tn": "tonight",
    "2nite": "tonight",
    "cuz": "because",
    "bc": "because",
    "pls": "please",
    "plz": "please",
    "q": "que",
    "xq": "porque",
    "pq": "porque",
}


def _two_of_a_letter(run: re.Match) -> str:
    # "sooo" and "helppp": three or more of a letter are two; digits stay as they are
    return run[1] * 2 if run[1].isalpha() else run[0]


def normalize(text: str) -> str:
    """Return `text` folded for matching: lower case, no accents, no punctuation, one space."""
    if text.isascii():
        text = text[:MAX_NORMAL].lower()  # what the Unicode folding below does to ASCII, faster
    else:
        text = unicodedata.normalize("NFKC", text[:MAX_NORMAL])[:MAX_NORMAL].casefold()
        text = unicodedata.normalize("NFD", text)[:MAX_NORMAL]
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = NOT_ALNUM.sub(" ", text.translate(SPELLING))
    words = REPEATED.sub(_two_of_a_letter, text).split(maxsplit=MAX_TOKENS)[:MAX_TOKENS]
    return " ".join([SHORTHAND.get(word, word) for word in words])


@lru_cache(maxsize=8192)  # bounded: texters' words are unbounded
def term_key(token: str, language: str) -> str:
    """Return the key a word matches by: its stem in `language`, or the word itself if short."""
    stem = _stemmer(language).stemWord(token)
    return f"{language}:{stem if len(stem) >= MIN_STEM else token}"


def phrase_key(phrase: str, language: str) -> tuple[str, ...]:
    """Return the keys of a keyword's words, in order."""
    return tuple(term_key(token, language) for token in normalize(phrase).split())


def max_typos(length: int) -> int:
    """Return how many typos a word of this length may carry and still be recognised."""
    if length <= 3:
        return 0
    return 1 if length <= 7 else 2


@dataclass(frozen=True)
class _Phrase:
    keys: tuple[str, ...]
    topic: str
    language: str


class Index:
    """Every topic's keywords, ready to match a text in time that does not grow with topics."""

    def __init__(self, directory: Directory):
        self.order = {topic.id: n for n, topic in enumerate(directory.topics)}
        self.words: dict[str, tuple[str, str]] = {}
        self.by_first_key: dict[str, list[_Phrase]] = defaultdict(list)
        self.forms: dict[str, set[str]] = defaultdict(set)  # spelling -> keys it stands for
        for topic in directory.topics:
            for language in LANGUAGES:
                self.words.setdefault(normalize(topic.word(language)), (topic.id, language))
                for keyword in topic.keywords[language]:
                    keys = phrase_key(keyword, language)
                    if not keys:
                        continue
                    self.by_first_key[keys[0]].append(_Phrase(keys, topic.id, language))
                    for token, key in zip(normalize(keyword).split(), keys, strict=True):
                        self.forms[token].add(key)
                        self.forms[key.split(":", 1)[1]].add(key)
        for phrases in self.by_first_key.values():
            phrases.sort(key=lambda phrase: len(phrase.keys))  # one-word phrases first
        self.known_keys = {key for keys in self.forms.values() for key in keys}
        # Stemming and the typo search cost more than the rest of a match; words repeat a lot.
        self._keys_of_token: dict[str, frozenset[str]] = {}
        # A typo of a form is at most 2 letters longer: a longer word is not worth the search.
        self.longest_typo = min(MAX_WORD, max(map(len, self.forms), default=0) + 2)
        self.deletions: dict[str, set[str]] = defaultdict(set)
        for form in self.forms:
            for variant in _deletions(form, max_typos(len(form))):
                self.deletions[variant].add(form)

    def keys_for(self, token: str, search_typos: bool = True) -> frozenset[str]:
        """Return the keys a texter's word may stand for, typos corrected if `search_typos`."""
        if token.isdigit():  # never cached: a phone number typed into a text stays nowhere
            return frozenset({f"{lang}:{token}" for lang in LANGUAGES} & self.known_keys)
        keys = self._keys_of_token.get(token)
        if keys is None:
            keys = self._stem_keys(token)
            if self._may_be_typo(token, keys):
                if not search_typos:
                    return keys  # not cached: the next text with this word searches it
                keys = frozenset(self._typo_keys(token))
            if len(self._keys_of_token) >= MAX_CACHED_TOKENS:
                self._keys_of_token.clear()  # texters' words are unbounded: start over
            self._keys_of_token[token] = keys
        return keys

    def _keys_of_words(self, tokens: list[str]) -> list[frozenset[str]]:
        """Return each word's keys, with bounded work: words not seen before cost a stemming and
        maybe a typo search, so past MAX_NEW_WORDS of them a word matches by its spelling alone,
        and past MAX_TYPO_SEARCHES searches by its stems; neither is cached."""
        keys, new, searches = [], 0, 0
        for token in tokens:
            if token.isdigit() or token in self._keys_of_token:
                keys.append(self.keys_for(token))
                continue
            new += 1
            if new > MAX_NEW_WORDS:
                keys.append(frozenset(self.forms.get(token, ())))
                continue
            search = searches < MAX_TYPO_SEARCHES and self._may_be_typo(
                token, self._stem_keys(token)
            )
            searches += search
            keys.append(self.keys_for(token, search_typos=search))
        return keys

    def _stem_keys(self, token: str) -> frozenset[str]:
        if len(token) > MAX_WORD:
            return frozenset()  # noise, and stemming costs time in proportion to length
        return frozenset(term_key(token, language) for language in LANGUAGES) & self.known_keys

    def _may_be_typo(self, token: str, stem_keys: frozenset[str]) -> bool:
        return not stem_keys and 3 < len(token) <= self.longest_typo and token not in common_words()

    def _typo_keys(self, token: str) -> set[str]:
        candidates = set()
        for variant in _deletions(token, 2):
            candidates |= self.deletions.get(variant, set())
        best, keys = None, set()
        for form in candidates:
            allowed = min(max_typos(len(form)), max_typos(len(token)))
            distance = OSA.distance(token, form, score_cutoff=allowed)
            if distance > allowed:
                continue
            if best is None or distance < best:
                best, keys = distance, set(self.forms[form])
            elif distance == best:
                keys |= self.forms[form]
        return keys

    def match(self, text: str, normal: str | None = None) -> Match:
        """Return the topics `text` is about and the language to answer in.

        `normal` is normalize(text), for a caller that has it already.
        """
        normal = normalize(text) if normal is None else normal
        tokens = normal.split()
        votes = {"en": 0, "es": 0}
        for token in tokens:
            votes["es"] += token in SPANISH_WORDS
            votes["en"] += token in ENGLISH_WORDS
        if any(c in text for c in "ñÑ¿¡áíóúÁÍÓÚ"):
            votes["es"] += 1

        word = self.words.get(normal)
        if word:
            topic, language = word
            if votes["es"] > votes["en"]:
                language = "es"
            return Match((topic,), language)

        found: set[str] = set()
        said: set[tuple[int, str]] = set()  # (where, language): one vote per word, not per phrase
        keys = self._keys_of_words(tokens)
        checks = 0
        for start, first in enumerate(keys):
            for key in first:
                for phrase in self.by_first_key.get(key, ()):
                    if len(phrase.keys) > 1:
                        checks += 1
                        if checks > MAX_PHRASE_CHECKS:
                            break  # the rest of this key's phrases are longer still
                        if not _follows(phrase.keys[1:], keys, start + 1):
                            continue
                    found.add(phrase.topic)
                    said.add((start, phrase.language))
        for _, language in said:
            votes[language] += 1
        language = "es" if votes["es"] > votes["en"] else "en"
        return Match(tuple(sorted(found, key=self.order.__getitem__)), language)


def _follows(rest: tuple[str, ...], keys: list[set[str]], position: int) -> bool:
    """Tell whether `rest` follows in order from `position`, with at most MAX_GAP words between.

    Every place in the gap is tried, not only the first: "kicked me, me right out" still has
    "me ... out" in it.
    """
    if not rest:
        return True
    end = min(position + MAX_GAP + 1, len(keys))
    return any(
        rest[0] in keys[at] and _follows(rest[1:], keys, at + 1) for at in range(position, end)
    )


def _deletions(word: str, count: int) -> set[str]:
    """Return `word` with up to `count` letters deleted (a symmetric-delete typo index)."""
    variants = {word}
    for n in range(1, min(count, len(word) - 1) + 1):
        for positions in combinations(range(len(word)), n):
            variants.add("".join(c for i, c in enumerate(word) if i not in positions))
    return variants


def build_index(directory: Directory) -> Index:
    """Return the match index of `directory` (built once per load, never per request)."""
    return Index(directory)
