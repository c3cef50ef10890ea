"""Write app/common_words.txt: everyday English and Spanish words that are never typos.

The matcher corrects small typos ("sucidal", "traficked") but must not "correct" a real word
into a keyword ("runway" into "runaway", "abs" into "abuse"). This list tells it which words are
real. To refresh it: `pip install wordfreq && python scripts/make_common_words.py`.
"""

import math
import sys
import unicodedata
from pathlib import Path

from wordfreq import get_frequency_dict

MIN_ZIPF = 3.0  # about once per million words: common enough to be meant as typed
MIN_LENGTH = 4  # shorter words are never typo-corrected anyway

HEADER = """\
# Everyday English and Spanish words (Zipf frequency >= 3.0, accents removed), one a line.
# Made by scripts/make_common_words.py from wordfreq's word lists (rspeer/wordfreq), whose data
# is licensed CC BY-SA 4.0. The matcher never typo-corrects a word that is on this list.
"""


def plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", word).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def main() -> None:
    words = set()
    for language in ("en", "es"):
        for word, frequency in get_frequency_dict(language, wordlist="small").items():
            word = plain(word)
            if word.isalpha() and len(word) >= MIN_LENGTH and math.log10(frequency) + 9 >= MIN_ZIPF:
                words.add(word)
    target = Path(__file__).resolve().parent.parent / "app" / "common_words.txt"
    target.write_text(HEADER + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} words written to {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
