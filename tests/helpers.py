"""What tests of different apps share: the checkout's root, the test database as a server process sees it, and
the parts of an email."""

import re
import socket
from pathlib import Path
from urllib.parse import quote

from django.core.mail import EmailMultiAlternatives
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The test database, as a DATABASE_URL (a socket directory goes in the host part, percent-encoded)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    host = quote(db["HOST"] or "", safe="") + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def email_parts(message) -> tuple[str, str]:
    """(plain text, HTML) of an email that has both, and nothing else."""
    assert isinstance(message, EmailMultiAlternatives), type(message)
    assert message.content_subtype == "plain"
    (html,) = [alternative.content for alternative in message.alternatives if alternative.mimetype == "text/html"]
    assert len(message.alternatives) == 1
    return message.body, html


def email_links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"']+", text)


def unsubscribe_path(message, site: str) -> str:
    """The path (with its token) of the unsubscribe link in the List-Unsubscribe header, checked against both parts."""
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">"), header
    link = header[1:-1]
    text, html = email_parts(message)
    assert link in text
    assert link.replace("&", "&amp;") in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.startswith(site + "/")
    return link.removeprefix(site)
