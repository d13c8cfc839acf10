"""Checks on a page's HTML that need no browser: what the page's ARIA references point at."""

from __future__ import annotations

from html.parser import HTMLParser

REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "for")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERENCES and value:
                self.refs.extend((tag, name, ref) for ref in value.split())


def dangling_references(html: str) -> list[str]:
    """Every aria-describedby, aria-labelledby, aria-controls and label ``for`` naming an id the page lacks."""
    parser = _Ids()
    parser.feed(html)
    return [f"<{tag} {name}={ref!r}>" for tag, name, ref in parser.refs if ref not in parser.ids]


def described_by(html: str, element_id: str) -> list[str]:
    """The ids an element's aria-describedby names."""
    found: list[str] = []

    class _One(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id") == element_id:
                found.extend((attrs.get("aria-describedby") or "").split())

    _One().feed(html)
    return found
