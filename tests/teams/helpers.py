"""What the teams tests share: the evidence every unauthorised answer must not show, and signed-in clients."""

import re
from html.parser import HTMLParser

from django.test import Client

SECRET_NOTE = "Secret evidence note: shipped the tracker"
SECRET_URL = "https://evidence.example.com/secret-proof"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class _HeatmapReader(HTMLParser):
    """The heatmap table's cells as (person, skill slug, the cell's text, its classes)."""

    def __init__(self):
        super().__init__()
        self.skills: list[str] = []
        self.cells: list[tuple[str, str, str, str]] = []
        self._section = ""
        self._person = ""
        self._column = -1
        self._open: list | None = None  # the cell being read: [classes, text]
        self._in_row_header = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self._column = -1
        elif tag == "th" and self._section == "tbody":
            self._in_row_header = True
        elif tag == "a" and self._section == "thead" and attributes.get("href", "").startswith("/skills/"):
            self.skills.append(attributes["href"].rstrip("/").rsplit("/", 1)[-1])
        elif tag == "a" and self._in_row_header:
            self._person = attributes["href"].rstrip("/").rsplit("/", 1)[-1]
        elif tag == "td" and self._section == "tbody":
            self._column += 1
            self._open = [attributes.get("class", ""), ""]

    def handle_endtag(self, tag):
        if tag == "th":
            self._in_row_header = False
        elif tag == "td" and self._open is not None:
            classes, text = self._open
            self.cells.append((self._person, self.skills[self._column], " ".join(text.split()), classes))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data


def heatmap_cells(html: str) -> list[tuple[str, str, str, str]]:
    """Every entry of the page's heatmap, row by row: (person, skill slug, text, classes)."""
    if '<table class="heatmap">' not in html:
        return []
    reader = _HeatmapReader()
    reader.feed(html.split('<table class="heatmap">', 1)[1].split("</table>", 1)[0])
    return reader.cells


def assessed_cells(html: str) -> list[tuple[str, str, str, str]]:
    """The entries of skills in the person's role, shown: (person, skill slug, self level, lead level)."""
    found = []
    for person, skill, text, _classes in heatmap_cells(html):
        match = re.search(r" self (\S+) · lead (\S+)$", text)
        if match:
            found.append((person, skill, match[1], match[2]))
    return found
