"""Role-side pages: the role list, the role page a matrix page at a time (and its past versions), the role at one
level, the career track PDF."""

import hashlib
import logging

from django.conf import settings
from django.core import validators
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from skills import as_of, freshness, pages, pdf_process, selectors, stored, translations
from skills.pdf_process import PdfUnavailable

logger = logging.getLogger(__name__)


@freshness.cached_page(freshness.CATALOG)
def role_list(request):
    return render(request, "skills/role_list.html", {"roles": selectors.roles_with_counts()})


def _profile(slug) -> selectors.RoleProfile:
    role = get_object_or_404(selectors.roles_with_levels(), slug=slug)
    return pages.add_proficiency_codes(selectors.role_profile(role=role))


@freshness.cached_page(freshness.CATALOG, cache_signed_in=True)
def role_detail(request, slug):
    if request.GET.get("as_of"):
        return role_as_of(request, slug)
    page = _cached_role_main(request, slug, pages.requested_page(request))
    return render(request, "skills/role_detail.html", {"role": page, "main": mark_safe(page.main)})


def _cached_role_main(request, slug: str, requested: int) -> pages.RolePageMain:
    """The role page's content for page `requested`, cached under the number of the page it shows.

    A number past the end shows the last page: the count of pages is kept beside the
    pages (built with them, no query of its own), so that ?page=999 is served from the
    last page's copy rather than building and keeping a copy of its own.
    """
    count = freshness.fragment(request, "role-pages", slug, build=lambda: None, lookup_only=True)
    if count is not None:
        number = min(requested, count)
        return freshness.fragment(request, "role", slug, number, build=lambda: _role_main(slug, number))
    main = _role_main(slug, requested)
    freshness.fragment(request, "role-pages", slug, build=lambda: main.pages)
    return freshness.fragment(request, "role", slug, main.number, build=lambda: main)


def _role_main(slug: str, number: int) -> pages.RolePageMain:
    """Page `number` of the role page's content: the same for every visitor."""
    return pages.role_page_main(_profile(slug), number)


@freshness.cached_page(freshness.CATALOG, cache_signed_in=True)
def role_level(request, slug, level):
    """The role at one of its levels, for reading (skills/pages.py, role_level_page_main); `?redline=1` adds the
    word redline of each text that changes at the next level."""
    redline = request.GET.get("redline") == "1"
    page = freshness.fragment(
        request, "role-level", slug, level, redline, build=lambda: _role_level_main(slug, level, redline)
    )
    return render(request, "skills/role_level.html", {"page": page, "main": mark_safe(page.main)})


def _role_level_main(slug: str, level: str, redline: bool) -> pages.RoleLevelPageMain:
    """The role-at-a-level page's content: the same for every visitor. 404 for a level the role does not have."""
    role = get_object_or_404(selectors.roles_with_levels(), slug=slug)
    reading = selectors.role_at_level(role=role, level_slug=level)
    if reading is None:
        raise Http404("The role has no such level.")
    return pages.role_level_page_main(reading, redline=redline)


def role_level_choose(request):
    """The home page's front door: `?role=&level=` to that role at that level (or its nearest level), remembered
    in a cookie for the next visit."""
    role_slug, level_slug = (_slug(request.GET.get(name, "")) for name in ("role", "level"))
    role_levels = selectors.role_levels_of(role_slug=role_slug)
    if not role_levels:
        raise Http404("No such role.")
    level = next((rl for rl in role_levels if rl.level.slug == level_slug), None)
    chosen = level or pages.nearest_level(role_levels, selectors.level_position(level_slug))
    response = redirect("skills:role-level", chosen.role.slug, chosen.level.slug)
    response.set_cookie(
        pages.READING_COOKIE,
        f"{chosen.role.slug}/{chosen.level.slug}",
        max_age=pages.READING_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def role_as_of(request, slug):
    """The role page as it stood at the end of the day `?as_of=` names (skills/as_of.py)."""
    try:
        day = as_of.parse_day(request.GET.get("as_of", ""))
        past = selectors.role_as_of(slug=slug, day=day)
    except (as_of.InvalidDate, as_of.Missing) as error:
        refusal = pages.AsOfRefusal.of(error, name="skills:role", slug=slug)
        return render(request, "skills/as_of_error.html", refusal.context(), status=refusal.status)
    context = {
        "role": past.role,
        "profile": pages.add_proficiency_codes(past.profile),
        "legend": pages.LEGEND,
        "matrix": pages.matrix_page(past.profile, pages.requested_page(request)),
        **pages.as_of_context(day, name="skills:role", current_slug=past.current_slug),
    }
    return render(request, "skills/role_as_of.html", context)


def career_track_pdf(request, slug):
    """The role's career track as a PDF: built once per catalog revision, language and site address, then stored.

    A request that finds no stored PDF takes one of its process's few places for heavy requests before
    anything else (no query yet): when none is free it is answered at once with a small page that tries again.
    """
    shelf = stored.Shelf("career-track", request)
    site = hashlib.sha256(request.build_absolute_uri("/").encode()).hexdigest()[:12]
    name = f"{slug}.{translation.get_language()}.{site}.pdf"
    found = shelf.find(name)
    if found is None:
        try:
            with stored.heavy_request():
                role = get_object_or_404(
                    selectors.roles_with_levels().annotate(cell_count=Count("expectations")), slug=slug
                )
                if role.cell_count > settings.PDF_MAX_CELLS:
                    context = {"role": role, "limit": settings.PDF_MAX_CELLS}
                    return render(request, "skills/partials/roles_pdf_too_large.html", context, status=422)
                found = shelf.get(name, build=lambda: _career_track_pdf(request, role))
        except PdfUnavailable:
            logger.exception("Career track PDF unavailable")
            return render(request, "skills/partials/roles_pdf_unavailable.html", {"role": role}, status=503)
        except stored.Busy as busy:
            context = {"role_url": reverse("skills:role", args=[slug]), "retry_after": busy.retry_after}
            response = render(request, "skills/pdf_busy.html", context, status=503)
            response["Retry-After"] = str(busy.retry_after)
            # A refusal by design, not a server fault: Django would log every 5xx at ERROR, a line (and a
            # write) per request of a flood, the very load this answer is meant to keep cheap.
            response._has_been_logged = True
            return response
    return stored.respond(request, found, content_type="application/pdf", filename=f"{slug}-career-track.pdf")


def _career_track_pdf(request, role) -> bytes:
    profile = pages.add_proficiency_codes(selectors.role_profile(role=role))
    return html_to_pdf(render_career_track(request, profile), base_url=request.build_absolute_uri("/"))


def render_career_track(request, profile) -> str:
    """The HTML (with its own print CSS) that the PDF is made from."""
    context = {
        "role": profile.role,
        "profile": profile,
        "track": profile.track(),
        "legend": pages.LEGEND,
        "generated": timezone.localdate(),
        "title": _("%(role)s — career track") % {"role": translations.text(profile.role, "name")},
    }
    return render_to_string("skills/career_track.html", context, request=request)


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of `html`, made by WeasyPrint in a child process of low priority (skills/pdf_process.py)."""
    return pdf_process.html_to_pdf(
        html,
        base_url=base_url,
        nice=settings.PDF_BUILD_NICE,
        idle=settings.PDF_BUILD_IDLE,
        timeout=settings.PDF_BUILD_TIMEOUT,
    )


def _slug(value: str) -> str:
    """A query parameter that names a role or level: a slug, or nothing (never a NUL for PostgreSQL to refuse)."""
    return value if validators.slug_re.fullmatch(value) else ""
