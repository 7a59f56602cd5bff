"""A parsed view of a response's HTML, so tests find elements by tag and attributes in any order.

Regular expressions over raw markup (`<li id="task-(\\d+)"`) fail when a template reorders or
adds an attribute without changing what the page means; `find_all(html, "li", id=...)` does
not. Elements keep their source span, so a test can still look at an element's own markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that never have an end tag (HTML's void elements).
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    source: str = field(repr=False)
    start: int = 0  # offset of "<tag" in source
    inner_start: int = 0  # just after the start tag's ">"
    inner_end: int | None = None  # at the end tag's "<" (None while open, or void)
    end: int | None = None
    children: list[Element] = field(default_factory=list, repr=False)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def __getitem__(self, name: str) -> str | None:
        return self.attrs[name]

    @property
    def inner_html(self) -> str:
        return self.source[self.inner_start : self.inner_end or self.inner_start]

    @property
    def outer_html(self) -> str:
        return self.source[self.start : self.end or self.inner_start]

    @property
    def text(self) -> str:
        """The text content with runs of whitespace collapsed, as a person reads it."""
        return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", self.inner_html)).split())

    def iter(self):
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Element]:
        """Descendants with `tag` whose attributes have the given values (True: present at all).

        Attribute names are given with _ for - (`hx_swap_oob`), and `for_`/`class_` for the
        reserved words; a `class_` value matches one of the element's classes.
        """
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(element._has(name, value) for name, value in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs) -> Element | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def _has(self, name: str, value) -> bool:
        if name not in self.attrs:
            return False
        if value is True:
            return True
        if name == "class":
            return value in (self.attrs[name] or "").split()
        return self.attrs[name] == value


class _TreeBuilder(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_offsets = [0]
        for line in source.splitlines(keepends=True):
            self.line_offsets.append(self.line_offsets[-1] + len(line))
        self.root = Element("#document", {}, source)
        self.stack = [self.root]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_offsets[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        element = Element(tag, dict(attrs), self.source, start)
        element.inner_start = start + len(self.get_starttag_text())
        self.stack[-1].children.append(element)
        if tag in VOID:
            element.end = element.inner_start
        else:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        # Close up to the matching open element; a stray end tag is ignored, as browsers do.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                position = self._offset()
                for element in self.stack[depth:]:
                    element.inner_end = position
                    element.end = self.source.index(">", position) + 1
                del self.stack[depth:]
                return


def parse(page) -> Element:
    """The document tree of an HTML string or a Django test response."""
    if not isinstance(page, str):
        page = page.content.decode()
    builder = _TreeBuilder(page)
    builder.feed(page)
    builder.close()
    return builder.root


def find_all(page, tag: str | None = None, **attrs) -> list[Element]:
    return parse(page).find_all(tag, **attrs)


def find(page, tag: str | None = None, **attrs) -> Element | None:
    return parse(page).find(tag, **attrs)
