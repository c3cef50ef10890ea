"""Which caller ID the Help Line sees when a call is put through to it."""

import re

E164 = re.compile(r"\+[1-9]\d{1,14}")
# The keypad spellings of ANONYMOUS, RESTRICTED, BLOCKED and UNAVAILABLE that arrive in `From`
# for a withheld number: valid-looking E.164, but a carrier may refuse a call that shows them.
WITHHELD = frozenset({"+266696687", "+7378742833", "+2562533", "+86282452253"})


def _usable(number: str) -> bool:
    return bool(E164.fullmatch(number)) and number not in WITHHELD


def dial_caller_id(caller: str, dialled: str) -> str | None:
    """Return the callerId for a <Dial> from this call: None keeps the caller's own number.

    A withheld or malformed caller number makes the Help Line's carrier reject the call (Twilio
    error 13214); Twilio accepts the number the caller dialled instead, which is ours.
    """
    if _usable(caller):
        return None
    return dialled if _usable(dialled) else None
