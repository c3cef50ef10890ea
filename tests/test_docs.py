"""The fallback TwiML Bins that docs/deploy.md tells staff to paste into Twilio's Console."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from app.fallback import LAST_RESORT_HELP_LINE

DEPLOY = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"


def bins() -> list[ET.Element]:
    blocks = re.findall(r"```xml\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.DOTALL)
    return [ET.fromstring(block) for block in blocks]


def test_the_documented_bins_are_twiml_for_a_text_and_a_call():
    assert [[child.tag for child in root] for root in bins()] == [
        ["Message"],
        ["Say", "Dial", "Say"],
    ]


def test_the_voice_bin_says_numbers_digit_by_digit_and_24_hour_in_words():
    voice = bins()[1]
    spoken = " ".join(say.text for say in voice.iter("Say"))
    assert "24/7" not in spoken
    assert "24 hour" in spoken
    assert not re.search(r"\d\d", spoken.replace("24 hour", ""))
    assert "9 1 1" in spoken and "9 8 8" in spoken


def test_the_voice_bin_dials_the_help_line_with_a_timeout_and_a_usable_caller_id():
    dial = bins()[1].find("Dial")
    assert dial.text == LAST_RESORT_HELP_LINE
    assert dial.get("timeout") == "30"
    assert dial.get("callerId") == "{{To}}"
    assert dial.get("action") is None  # it would call back the app that is down
