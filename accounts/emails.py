"""How the product's emails are made: branded with the site's name, written in the recipient's language, with a
plain-text and an HTML part, and, for notices, a link that stops them.

A notice belongs to a topic (the proposals waiting for a reviewer, the skills a member watches, their own
proposals); its unsubscribe link carries a signed token naming the member and the topic, so it works without
signing in, from any mail program, and in one click (RFC 8058's List-Unsubscribe-Post). Transactional emails
(allauth's confirmation and reset) have no topic and no such link.
"""

from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from accounts.models import EmailSettings, ReviewNotices

UNSUBSCRIBE_SALT = "accounts.unsubscribe"


class Topic(models.TextChoices):
    REVIEWS = "reviews", _("proposals waiting for review")
    WATCHING = "watching", _("proposals on skills you watch")
    OWN = "own", _("your proposals")


# What an unsubscribe link of each topic turns off.
TOPIC_OFF = {
    Topic.REVIEWS: {"review_notices": ReviewNotices.NEVER},
    Topic.WATCHING: {"watch_notices": False},
    Topic.OWN: {"own_notices": False},
}


class BadToken(ValueError):
    """An unsubscribe token that this site did not sign, or that names no topic."""


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def email_settings(user: AbstractBaseUser) -> EmailSettings:
    """The member's settings; the defaults (unsaved) when they never saved any. Select `email_settings` with
    the user to spare the query."""
    try:
        return user.email_settings
    except EmailSettings.DoesNotExist:
        return EmailSettings(user=user)


def language_of(user: AbstractBaseUser | None, default: str | None = None) -> str:
    """The language the member chose for their emails, else `default`, else the site's."""
    chosen = email_settings(user).language if user is not None and user.pk else ""
    return chosen or default or settings.LANGUAGE_CODE


def unsubscribe_token(user: AbstractBaseUser, topic: Topic) -> str:
    return signing.dumps([user.pk, str(topic)], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, Topic]:
    """(user id, topic) of a token made by unsubscribe_token; BadToken for anything else."""
    try:
        user_id, topic = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise BadToken(token) from None
    if type(user_id) is not int or topic not in Topic.values:
        raise BadToken(token)
    return user_id, Topic(topic)


def unsubscribe_url(user: AbstractBaseUser, topic: Topic) -> str:
    return absolute_url(reverse("accounts:unsubscribe") + "?" + urlencode({"token": unsubscribe_token(user, topic)}))


def brand() -> dict:
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "settings_url": absolute_url(reverse("accounts:profile") + "#emails"),
    }


def subject_line(text: str) -> str:
    return f"[{settings.SITE_NAME}] " + " ".join(text.split())


def notice(
    *, template: str, context: dict, recipient: AbstractBaseUser, topic: Topic, language: str | None = None
) -> EmailMultiAlternatives:
    """A notice to one member from `template`_subject.txt, .txt and .html, in their language, with the link
    that stops this topic (in both parts and in the List-Unsubscribe header)."""
    stop = unsubscribe_url(recipient, topic)
    context = {**context, "recipient": recipient, "topic": topic, "unsubscribe_url": stop}
    return _message(recipient, stop, *_render(template, context, language or language_of(recipient)))


def notices(*, template: str, context: dict, recipients: Iterable[tuple]) -> list[EmailMultiAlternatives]:
    """notice() to each of `recipients`, (member, topic, their own context), the same emails for fewer renders: the
    templates are rendered once per language, topic and own context, with stand-ins for what differs from one
    member to the next (their name, recipient.get_username, and their unsubscribe link), each put in afterwards,
    as the templates would have written it (as is in the text, escaped in the HTML).
    tests/proposals/test_notification_recipients.py compares the two."""
    rendered: dict[tuple, tuple[str, str, str]] = {}
    messages = []
    for recipient, topic, own in recipients:
        language = language_of(recipient)
        key = (language, topic, *sorted(own.items()))
        if key not in rendered:
            stand_ins = {"recipient": _StandIn(), "topic": topic, "unsubscribe_url": _URL}
            rendered[key] = _render(template, {**context, **own, **stand_ins}, language)
        subject, text, html = rendered[key]
        name, stop = recipient.get_username(), unsubscribe_url(recipient, topic)
        if _NAME in subject or _URL in subject:
            subject = subject.replace(_NAME, name).replace(_URL, stop)
        text = text.replace(_NAME, name).replace(_URL, stop)
        html = html.replace(_NAME, escape(name)).replace(_URL, escape(stop))
        messages.append(_message(recipient, stop, subject, text, html))
    return messages


# The stand-ins: private-use characters, which no template, translation or escaping writes or changes.
_NAME = "\ue000name\ue001"
_URL = "\ue000unsubscribe\ue001"


class _StandIn:
    """The recipient as the templates see it in notices(): their name only."""

    def get_username(self) -> str:
        return _NAME


def _render(template: str, context: dict, language: str) -> tuple[str, str, str]:
    context = {**brand(), **context}
    with translation.override(language):
        subject = subject_line(render_to_string(f"{template}_subject.txt", context))
        text = render_to_string(f"{template}.txt", context).strip() + "\n"
        html = render_to_string(f"{template}.html", context | {"subject": subject})
    return subject, text, html


def _message(recipient: AbstractBaseUser, stop: str, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    headers = {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(subject=subject, body=text, to=[recipient.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def html_from_text(text: str, *, subject: str) -> str:
    """The HTML part of an email written as plain text (allauth's): the same words in the branded layout."""
    return render_to_string("email/from_text.html", {**brand(), "subject": subject, "body": text})
