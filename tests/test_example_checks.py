"""What `check` prints of its findings on the examples: each mistake, and a sum of the rest.

The findings themselves come from a real check through the CLI in test_topics.py; a model fitted
to the small fixture files nearly every example as labelled, so the summing up is proven here on
findings made by hand.
"""

from app.example_checks import Finding, report


def keyword(line, everyday=True, word="beats me", topic="abuse"):
    owner = "everyday's example" if everyday else "runaway's example"
    return Finding(line, "keyword", f"keyword gives to {owner}", everyday, f"{word}\n{topic}")


def model(line, everyday=False, topic="crisis", name="counselling"):
    cause = f"{topic} added to {name} examples"
    return Finding(line, "model", f"the model adds {topic} to line {line}", everyday, cause)


def missed(line, topics="runaway"):
    return Finding(line, "missed", f"the bot misses line {line}", cause=topics)


FINDINGS = [
    Finding(3, "twice", "given twice"),
    Finding(4, "word", "is the word that always gets abuse's numbers"),
    Finding(5, "wordless", "has no words"),
    missed(6),
    missed(7),
    missed(8, "abuse and runaway"),
    model(9, everyday=True, topic="missing", name="everyday"),
    keyword(10),
    keyword(11),
    keyword(12, word="beats me", topic="trafficking"),  # the same keyword for another topic
    keyword(30, everyday=False),
    keyword(31, everyday=False),
    keyword(32, everyday=False, word="dcfs"),
    model(40),
    model(41),
    model(42, topic="abuse", name="runaway"),
]


def test_check_lists_the_mistakes_and_sums_up_the_rest():
    assert report(FINDINGS, every=False) == [
        (3, "warning: given twice"),
        (4, "warning: is the word that always gets abuse's numbers"),
        (5, "warning: has no words"),
        (
            None,
            "note: the bot does not give 3 example(s) their own topic, most often runaway (2), "
            "abuse and runaway (1): add examples like them, or reword them. `check --all` lists "
            "each, with its line.",
        ),
        (
            None,
            "note: the bot gives a topic to 4 everyday text(s), most often 'beats me' for abuse "
            "(2), missing added to everyday examples (1), 'beats me' for trafficking (1): make "
            "the keyword longer or remove it, or add everyday texts like them. `check --all` "
            "lists each, with its line.",
        ),
        (
            None,
            "note: the bot adds a topic to 6 example(s) of other topics, most often 'beats me' "
            "for abuse (2), crisis added to counselling examples (2), 'dcfs' for abuse (1): "
            "where the added topic's numbers help too, list the example under `several:`. "
            "`check --all` lists each, with its line.",
        ),
    ]


def test_check_all_lists_every_finding_in_turn():
    assert report(FINDINGS, every=True) == [(f.line, f"warning: {f.message}") for f in FINDINGS]


def test_a_file_whose_examples_the_bot_gets_right_gets_no_note():
    assert report([], every=False) == []
