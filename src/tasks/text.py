"""One line of text, as a title or a name must be: what every write path stores.

A title ends up in places where a line break means something: an email's Subject header, a log
line, an iCalendar property, a toast. Control characters (C0, DEL, C1) and the Unicode line and
paragraph separators are collapsed, with the blanks around them, to one space; format
characters (zero-width joiners in emoji, bidi marks) stay, they are text. Pure and cheap: the
forms call it, and so does every other writer (services, import, API).
"""

from __future__ import annotations

import re

# \s around the run: "a \r\n b" becomes "a b", not "a   b".
_BREAKS = re.compile(r"\s*[\x00-\x1f\x7f-\x9f\u2028\u2029]+\s*")


def clean_line(text: str) -> str:
    """`text` on one line: each run of control characters or line breaks (and the blanks
    around it) becomes one space, and the ends are stripped."""
    if text.isprintable():  # no control character, no separator: the common case
        return text.strip()
    return _BREAKS.sub(" ", text).strip()
