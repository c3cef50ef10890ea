"""Log lines a request cannot forge: control characters in anything logged are escaped.

A texter's Digits, a URL's decoded path or an exception's message may hold CR, LF or terminal
escapes; written raw they would start a made-up log line or repaint an operator's terminal.
"""

import logging
import re

from gunicorn.glogging import Logger

# C0 and C1 controls, DEL, Unicode line breaks, bidi overrides; and the backslash, so that an
# escape in the log always means one was made here.
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]")


def escape(text: str) -> str:
    """Return `text` with every control character written as a Python escape (LF as \\n)."""
    return UNSAFE.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)


class EscapeControlCharacters(logging.Filter):
    """Make each record one line of printable text; a traceback's lines are marked with "| "."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "escaped", False):
            return True  # a second handler with this filter: escape once, not twice
        record.msg, record.args, record.escaped = escape(record.getMessage()), None, True
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for name in ("exc_text", "stack_info"):
            text = getattr(record, name)
            if text:
                setattr(record, name, "\n".join("| " + escape(line) for line in text.split("\n")))
        return True


ESCAPE = EscapeControlCharacters()  # one instance: addFilter() then never adds it twice


def escape_handlers(logger: logging.Logger) -> None:
    """Escape every line that `logger`'s handlers write."""
    for handler in logger.handlers:
        handler.addFilter(ESCAPE)


class EscapingLogger(Logger):
    """gunicorn's logger, with its error and access logs escaped (its %(U)s is decoded)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        escape_handlers(self.error_log)
        escape_handlers(self.access_log)
