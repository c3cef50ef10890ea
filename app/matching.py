"""Match what a texter or caller said against the topics (pure: no Flask, no I/O).

A topic is given when one of its keywords is in the text (what staff want to be certain of), or
when the model learned from its examples is sure enough of it (topic_model.py).
"""

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import combinations

import snowballstemmer
from rapidfuzz.distance import OSA

from .directory import LANGUAGES, Directory
from .learning import Learner, NothingToLearn, fitter
from .spelling import Spelling
from .topic_model import EVERYDAY, Example, TopicModel, Why, can_learn, train

MAX_GAP = 1  # words allowed between a phrase's words: "ran far away" still says "ran away"
MAX_WORD = 24  # longer "words" are noise, not typos of a keyword: skip the typo search
# Work per text is bounded whatever it holds: a text is at most 1,600 characters, but compatibility
# characters expand under NFKC (U+FDFA is 18 letters), and each word costs a lookup.
MAX_NORMAL = 3200  # characters of a text's normal form that are kept: 2 x 1,600
MAX_TOKENS = 400  # words of a text that are matched: a 1,600-character text has about 300
MAX_TYPO_SEARCHES = 8  # per text (real texts need 2 at most): the costliest step of a match
MAX_PHRASE_CHECKS = 2000  # per text: "me me me ..." would try every phrase that starts with "me"
NO_KEYS: frozenset[str] = frozenset()  # a word that stands for no keyword
EXACT_WORDS = 6  # an example this short is answered as staff labelled it (Index.exact)
MIN_STEM = 4  # shorter stems are too loose ("comida" -> "com" would match "como")
# Words that deny a keyword after them ("its not like he hits me", "nobody hurts me", "nadie me
# pega"), which is then not a certainty: the model decides, when there is one. Only the words
# in DENIAL_FILLERS may stand between, DENIAL_REACH words back at most, so "nobody knows he
# touches me", "im not safe, he hits me" and "i dont want to sell my body" keep their keyword.
# "no" and "ni" deny only across Spanish clitics ("no me pega", "no es que me pegue"), never
# English words ("no, he hits me"), unless "no one". A denying word said to someone ("le dije a
# nadie", "told nobody") denies nothing, nor do a keyword's own words ("dont want to go home").
# Between a keyword's words, only DENIALS deny ("im not running away", "i didnt run away").
DENIALS = frozenset(
    "not dont didnt doesnt isnt wasnt arent werent aint never wont havent hasnt "
    "nobody nobodys noone nadie nunca jamas tampoco".split()
)
NEAR_DENIALS = frozenset(("no", "ni"))
SPANISH_CLITICS = frozenset("me te le lo la les nos es que q".split())
DENIAL_FILLERS = SPANISH_CLITICS | frozenset(
    "like he she they it anyone anybody someone somebody one ones is was are were really "
    "even ever been being actually that him her them ha han".split()
)
SAID_TO = frozenset("a to told tell telling dije dijo digas conte".split())
DENIAL_REACH = 3
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


_stemmers = threading.local()  # a stemmer keeps its word in itself: one per thread


def _stemmer(language: str):
    found = getattr(_stemmers, language, None)
    if found is None:
        found = snowballstemmer.stemmer({"en": "english", "es": "spanish"}[language])
        if hasattr(found, "maxCacheSize"):
            found.maxCacheSize = 0  # PyStemmer caches 10,000 recent words: texters' words
        setattr(_stemmers, language, found)
    return found


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
    return " ".join([SHORTHAND.get(word, word) for word in folded_words(text)])


def folded_words(text: str) -> list[str]:
    """Return the words of `text` folded for matching, its shorthand ("bf") as written."""
    if text.isascii():
        text = text[:MAX_NORMAL].lower()  # what the Unicode folding below does to ASCII, faster
    else:
        text = unicodedata.normalize("NFKC", text[:MAX_NORMAL])[:MAX_NORMAL].casefold()
        text = unicodedata.normalize("NFD", text)[:MAX_NORMAL]
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = NOT_ALNUM.sub(" ", text.translate(SPELLING))
    return REPEATED.sub(_two_of_a_letter, text).split(maxsplit=MAX_TOKENS)[:MAX_TOKENS]


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
    keyword: str
    words: frozenset[str]  # the keyword's own words, normalised

    def denial(self, tokens: list[str], start: int, end: int) -> str | None:
        """Return the word by which the text denies this keyword, found at tokens[start:end]
        with any gap words, or None (see DENIALS)."""
        for word in tokens[start + 1 : end]:
            if word in DENIALS and word not in self.words:
                return word
        for at in range(start - 1, max(start - 1 - DENIAL_REACH, -1), -1):
            word = tokens[at]
            if word in self.words:
                continue
            if word in DENIALS or (word == "no" and tokens[at + 1] in ("one", "ones")):
                return None if at and tokens[at - 1] in SAID_TO else word
            if word in NEAR_DENIALS:
                return word if SPANISH_CLITICS.issuperset(tokens[at + 1 : start]) else None
            if word not in DENIAL_FILLERS:
                return None
        return None


@dataclass(frozen=True)
class Reason:
    """Why a topic was given to a text, or not: its keyword, else the model's judgement."""

    topic: str
    keyword: str | None
    model: Why | None
    denied: tuple[str, str] | None = None  # a keyword the text denies, and the denying word
    example: Example | None = None  # the short example the text is, word for word

    @property
    def given(self) -> bool:
        if self.keyword is not None:
            return True
        if self.example is not None:
            return self.topic in self.example.topics
        return self.model is not None and self.model.given


class Index:
    """Every topic's keywords, ready to match a text in time that does not grow with topics."""

    def __init__(self, directory: Directory, learner: Learner | None = None):
        given = examples(directory)
        normal_texts = [normalize(example.text) for example in given]
        learned = learn(directory, given, normal_texts, learner)  # learns while keywords index
        self.order = {topic.id: n for n, topic in enumerate(directory.topics)}
        self.words: dict[str, tuple[str, str]] = {}
        self.single: dict[str, list[_Phrase]] = defaultdict(list)  # one-word phrases by key
        # longer phrases by their first key, then their second: a text's word pair finds them
        self.by_pair: dict[str, dict[str, list[_Phrase]]] = defaultdict(lambda: defaultdict(list))
        self.forms: dict[str, set[str]] = defaultdict(set)  # spelling -> keys it stands for
        # The keywords' own words. Typos are sought among these, never the stems: a stem is
        # shorter than any word it stands for, so a letter off it is a word of its own ("lone",
        # of "lonely", is a letter off "fone"; "rape" off "rapo", "raye", "zape").
        spellings: set[str] = set()
        for topic in directory.topics:
            for language in LANGUAGES:
                self.words.setdefault(normalize(topic.word(language)), (topic.id, language))
                for keyword in topic.keywords[language]:
                    keys = phrase_key(keyword, language)
                    if not keys:
                        continue
                    spelt = normalize(keyword).split()
                    phrase = _Phrase(keys, topic.id, language, keyword, frozenset(spelt))
                    if len(keys) == 1:
                        self.single[keys[0]].append(phrase)
                    else:
                        self.by_pair[keys[0]][keys[1]].append(phrase)
                    spellings.update(spelt)
                    for token, key in zip(spelt, keys, strict=True):
                        self.forms[token].add(key)
                        self.forms[key.split(":", 1)[1]].add(key)
        for seconds in self.by_pair.values():
            for phrases in seconds.values():
                phrases.sort(key=lambda phrase: len(phrase.keys))  # shorter phrases first
        self.single, self.by_pair = dict(self.single), {k: dict(v) for k, v in self.by_pair.items()}
        self.known_keys = {key for keys in self.forms.values() for key in keys}
        # A typo of a word is at most 2 letters longer: a longer word is not worth the search.
        self.longest_typo = min(MAX_WORD, max(map(len, spellings), default=0) + 2)
        deletions: dict[str, set[str]] = defaultdict(set)
        for form in spellings:
            for variant in _deletions(form, max_typos(len(form))):
                deletions[variant].add(form)
        # tuples: most variants have one form, and a set of one takes 216 bytes to a tuple's 48
        # (5 MB per worker with make bench's 100x file)
        self.deletions = {variant: tuple(forms) for variant, forms in deletions.items()}
        # The keywords' and the examples' words, with their stems' keys found once: most of a
        # text's words are among them, and a lookup costs far less than stemming in two languages.
        # Built from the directory alone, never from a texter's words.
        words = set(self.forms)
        for normal in normal_texts:
            words.update(normal.split())
        # Most of these words stand for no keyword: they share one empty set, not one each
        # (13,000 empty frozensets took 2.8 MB per worker)
        self.known: dict[str, frozenset[str]] = {
            word: frozenset(keys) if (keys := self.keys_for(word)) else NO_KEYS for word in words
        }
        self.spelling = Spelling(normal_texts, self.known, common_words())
        self.model = learned()
        # A short example is answered as staff labelled it, whatever the model makes of it: a
        # coordinator fixes a miss by adding the text as an example, and a model does not always
        # learn one word ("hambre", "kidnapped") or an everyday "no" against twenty thousand
        # longer examples. Texts this short are the ones sent word for word; longer ones teach.
        self.exact: dict[str, Example] = {}
        for example, normal in zip(given, normal_texts, strict=True):
            if self.model is not None and 0 < len(normal.split()) <= EXACT_WORDS:
                self.exact.setdefault(normal, example)

    def phrases(self) -> list[_Phrase]:
        """Return every keyword, as it is matched."""
        found = [phrase for phrases in self.single.values() for phrase in phrases]
        for seconds in self.by_pair.values():
            found += [phrase for phrases in seconds.values() for phrase in phrases]
        return found

    def keys_for(self, token: str) -> set[str]:
        """Return the keys a word stands for by its stems (_keys_of_words searches typos).

        Nothing is cached: no word of a text is kept after its request.
        """
        if token.isdigit():
            return {f"{lang}:{token}" for lang in LANGUAGES} & self.known_keys
        return self._stem_keys(token)

    def _keys_of_words(self, tokens: list[str]) -> list[set[str]]:
        """Return each word's keys, with bounded work: past MAX_TYPO_SEARCHES typo searches (the
        costliest step of a match), a word matches by its stems alone."""
        found, searches = [], 0
        for token in tokens:
            keys = self.known.get(token)
            if keys is None:
                keys = self.keys_for(token)
            if searches < MAX_TYPO_SEARCHES and not token.isdigit():
                if self._may_be_typo(token, keys):
                    searches += 1
                    keys = self._typo_keys(token)
            found.append(keys)
        return found

    def _stem_keys(self, token: str) -> set[str]:
        if len(token) > MAX_WORD:
            return set()  # noise, and stemming costs time in proportion to length
        return {term_key(token, language) for language in LANGUAGES} & self.known_keys

    def _may_be_typo(self, token: str, stem_keys: set[str]) -> bool:
        return not stem_keys and 3 < len(token) <= self.longest_typo and token not in common_words()

    def _typo_keys(self, token: str) -> set[str]:
        candidates = set()
        for variant in _deletions(token, 2):
            candidates.update(self.deletions.get(variant, ()))
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

    def keywords_in(self, tokens: list[str]) -> dict[str, tuple[str, int, str]]:
        """Return each topic whose keyword is among `tokens`: (keyword, where, language). A
        keyword the text denies counts only where no model can decide (see DENIALS)."""
        return self._scan(tokens)[0]

    def _scan(self, tokens: list[str]) -> tuple[dict, dict[str, tuple[str, str]]]:
        """Return the keywords found (see keywords_in), and those the text denies, topic by
        topic: (keyword, denying word)."""
        found: dict[str, tuple[str, int, str]] = {}
        denied: dict[str, tuple[str, str]] = {}

        def seen(phrase: _Phrase, start: int, end: int) -> None:
            denial = phrase.denial(tokens, start, end) if self.model is not None else None
            if denial is None:
                found.setdefault(phrase.topic, (phrase.keyword, start, phrase.language))
            else:
                denied.setdefault(phrase.topic, (phrase.keyword, denial))

        keys = self._keys_of_words(tokens)
        checks = 0
        # in sorted order, not a set's: which keyword a topic is named by (and its language,
        # which votes for the reply's) must not change with the process's hash seed
        for start, first in enumerate(keys):
            for key in sorted(first):
                for phrase in self.single.get(key, ()):
                    seen(phrase, start, start + 1)
                seconds = self.by_pair.get(key)
                if seconds is None:
                    continue
                # the words that may come second: the next, or the one after a gap
                at = start + 1
                nearby = set().union(*keys[at : at + MAX_GAP + 1])
                for second in sorted(nearby & seconds.keys()):
                    for phrase in seconds[second]:
                        checks += 1
                        if checks > MAX_PHRASE_CHECKS:
                            break  # the rest of these phrases are longer still
                        end = _end(phrase.keys[1:], keys, at)
                        if end is not None:
                            seen(phrase, start, end)
        return found, {t: why for t, why in denied.items() if t not in found}

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

        keywords = self.keywords_in(tokens)
        # one vote per word that said a keyword, not per phrase starting there
        for _, language in {(where, language) for _, where, language in keywords.values()}:
            votes[language] += 1
        found = set(keywords)
        example = self.exact.get(normal)
        if example is not None:  # staff said what this text is about, and in which language
            return Match(
                tuple(sorted(found.union(example.topics), key=self.order.__getitem__)),
                example.language,
            )
        if self.model is not None:
            topics, spanish = self.model.read(self.spelling.read(normal)[0], alone=not found)
            found |= topics
            if votes["es"] == votes["en"] and spanish:  # no word of the lists, or as many of
                votes["es"] += 1  # each: the examples' n-grams decide
        language = "es" if votes["es"] > votes["en"] else "en"
        return Match(tuple(sorted(found, key=self.order.__getitem__)), language)

    def explain(self, text: str) -> list[Reason]:
        """Return, topic by topic in directory order, why the text gets it or not."""
        normal = normalize(text)
        word = self.words.get(normal)
        keywords, denied = self._scan(normal.split())
        read, _ = self.spelling.read(normal)
        example = None if word else self.exact.get(normal)  # a topic's word decides alone
        reasons = []
        for topic in self.order:
            keyword = keywords.get(topic, (None,))[0]
            if word and word[0] == topic:
                keyword = text.strip()
            why = (
                self.model.explain(read, topic, alone=not keywords)
                if self.model and topic in self.model.topics and not word  # a word decides alone
                else None
            )
            reasons.append(Reason(topic, keyword, why, denied.get(topic), example))
        return reasons

    def explain_everyday(self, text: str) -> tuple[Why, str, float] | None:
        """Return why the model gave the text no topic: what weighed for none (EVERYDAY's Why,
        its score how sure the model is of none), the topic it leans to, and how sure it is of
        that topic were the text about one; None without a model, or for a text of which the
        model knows no n-gram."""
        if self.model is None:
            return None
        read, _ = self.spelling.read(normalize(text))
        best = self.model.best_topic(read)
        return None if best is None else (self.model.explain(read, EVERYDAY, alone=True), *best)


def examples(directory: Directory) -> list[Example]:
    """Return the directory's examples: each topic's, those about several, then everyday texts."""
    found = [
        Example(text, one, language, line)
        for topic in directory.topics
        for one in [(topic.id,)]  # one tuple for all the topic's examples
        for language in LANGUAGES
        for text, line in zip(topic.examples[language], topic.example_lines[language], strict=True)
    ]
    found += [
        Example(text, topics, language, line)
        for language in LANGUAGES
        for topics, text, line in directory.several[language]
    ]
    found += [
        Example(text, (), language, line)
        for language in LANGUAGES
        for text, line in zip(
            directory.everyday[language], directory.everyday_lines[language], strict=True
        )
    ]
    return found


def learn(
    directory: Directory,
    given: list[Example],
    normal_texts: list[str],
    learner: Learner | None = None,
) -> Callable[[], TopicModel | None]:
    """Start learning the model of the directory's examples; return what waits for it (None if
    the examples are too few). `given` is examples(directory), `normal_texts` their normal forms.

    With a `learner` (learning.Learner), it is learned by that process while this one goes on;
    without, it is learned here and now.
    """
    thresholds = {topic.id: topic.threshold for topic in directory.topics if topic.threshold}
    if learner is None or not can_learn(given):
        # with no everyday text to compare against, every text would get some topic: no model
        model = train(given, normal_texts, thresholds, fitter(len(given)))
        return lambda: model
    learner.submit(given, normal_texts, thresholds)

    def result() -> TopicModel | None:
        try:
            return learner.result()
        except NothingToLearn:  # no n-gram is in two examples
            return None

    return result


def _end(rest: tuple[str, ...], keys: list[set[str]], position: int) -> int | None:
    """Return where `rest` ends if it follows in order from `position`, with at most MAX_GAP
    words between, else None.

    Every place in the gap is tried, not only the first: "kicked me, me right out" still has
    "me ... out" in it.
    """
    if not rest:
        return position
    for at in range(position, min(position + MAX_GAP + 1, len(keys))):
        if rest[0] in keys[at]:
            end = _end(rest[1:], keys, at + 1)
            if end is not None:
                return end
    return None


def _deletions(word: str, count: int) -> set[str]:
    """Return `word` with up to `count` letters deleted (a symmetric-delete typo index)."""
    variants = {word}
    for n in range(1, min(count, len(word) - 1) + 1):
        for positions in combinations(range(len(word)), n):
            variants.add("".join(c for i, c in enumerate(word) if i not in positions))
    return variants


def build_index(directory: Directory, learner: Learner | None = None) -> Index:
    """Return the match index of `directory` (built once per load, never per request).

    With a `learner`, its model is learned by that process (a server's master does so).
    """
    return Index(directory, learner)
