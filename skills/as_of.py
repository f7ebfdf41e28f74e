"""The day of `?as_of=YYYY-MM-DD`: the skill and role pages, and their API answers, as they stood at its end.

The live views hand over to their past version as soon as the request carries
`as_of`. The rows are rebuilt out of the audit trail (skills/selectors.py,
"Past days") and drawn by the live templates, with a banner and a link to
today's page. The rebuilt content is not kept as a fragment; a whole anonymous
page is, like any page, under the catalog's revision (the skills.freshness package): the
audit trail changes only when the catalog does.

Choices: a date after today is refused (400) rather than answered with today's
page, which could still change before that day ends; a date before the skill
or role existed, or after it was removed, is a 404 that says so (Missing). The
skill page's Community block (watchers, comments, proposals) is not kept by
date, so the past page leaves it out and points to today's page instead.
"""

import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class InvalidDate(ValueError):
    """The as_of parameter is not a day this history can answer for: the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Missing(Exception):
    """The skill or role did not exist (under that address) at the end of that day."""

    def __init__(self, message: str, *, current_slug: str | None = None):
        super().__init__(message)
        self.message = message
        self.current_slug = current_slug  # where it lives today, when it does


def today() -> date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def parse_day(value: str) -> date:
    """The day written YYYY-MM-DD, not after today (the past cannot be read from tomorrow)."""
    value = value.strip()
    if not DATE_RE.fullmatch(value):
        raise InvalidDate(_("Give the date as YYYY-MM-DD, for example %(example)s.") % {"example": today().isoformat()})
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidDate(_("%(value)s is not a day of the calendar.") % {"value": value}) from None
    if day > today():
        raise InvalidDate(
            _("%(day)s is in the future: the catalog can be shown as it stood on any day up to today, %(today)s.")
            % {"day": value, "today": today().isoformat()}
        )
    return day


def day_end(day: date) -> datetime:
    """The first instant after `day` in the site time zone: events before it happened by the end of the day."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone())
