import logging

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from skills import freshness, selectors
from skills.models import Proficiency, Role
from skills.views import as_of as as_of_views

logger = logging.getLogger(__name__)

# One short, unambiguous code per proficiency for the matrix cells; the legend
# on the page spells them out.
PROFICIENCY_CODES = {
    Proficiency.AWARENESS: pgettext_lazy("proficiency code", "A"),
    Proficiency.WORKING: pgettext_lazy("proficiency code", "W"),
    Proficiency.ADVANCED: pgettext_lazy("proficiency code", "Ad"),
    Proficiency.EXPERT: pgettext_lazy("proficiency code", "E"),
}
LEGEND = [(value, PROFICIENCY_CODES[value], label) for value, label in Proficiency.choices]


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it loads (Pango, HarfBuzz) are missing."""


@freshness.conditional(freshness.CATALOG)
@freshness.anonymous_pages(freshness.CATALOG)
def role_list(request):
    return render(request, "skills/role_list.html", {"roles": selectors.roles_with_counts()})


def _profile(slug):
    role = get_object_or_404(selectors.roles_with_levels(), slug=slug)
    profile = selectors.role_profile(role=role)
    for cell in profile.cells:
        cell.proficiency_code = PROFICIENCY_CODES.get(cell.proficiency, "?")
    return profile


@freshness.conditional(freshness.CATALOG)
@freshness.anonymous_pages(freshness.CATALOG)
def role_detail(request, slug):
    if request.GET.get("as_of"):
        return as_of_views.role_as_of(request, slug)
    page = freshness.fragment(request, "role", slug, build=lambda: _role_main(slug))
    role = Role(pk=page["pk"], slug=slug, name=page["name"], tagline=page["tagline"])
    return render(request, "skills/role_detail.html", {"role": role, "main": mark_safe(page["main"])})


def _role_main(slug: str) -> dict:
    """The role page's content, rendered: the same for every visitor."""
    profile = _profile(slug)
    role = profile.role
    main = render_to_string("skills/partials/role_main.html", {"role": role, "profile": profile, "legend": LEGEND})
    return {"pk": role.pk, "name": role.name, "tagline": role.tagline, "main": main}


def career_track_pdf(request, slug):
    profile = _profile(slug)
    html = render_career_track(request, profile)
    try:
        pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except PdfUnavailable:
        logger.exception("Career track PDF unavailable: WeasyPrint cannot load its system libraries")
        return render(request, "skills/partials/roles_pdf_unavailable.html", {"role": profile.role}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{profile.role.slug}-career-track.pdf")
    return response


def render_career_track(request, profile) -> str:
    """The HTML (with its own print CSS) that the PDF is made from."""
    context = {
        "role": profile.role,
        "profile": profile,
        "track": profile.track(),
        "legend": LEGEND,
        "generated": timezone.localdate(),
        "title": _("%(role)s — career track") % {"role": profile.role.name},
    }
    return render_to_string("skills/career_track.html", context, request=request)


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    try:
        # Imported here: it loads Pango through ctypes, which fails on a server without it.
        import weasyprint
    except (ImportError, OSError) as exc:
        raise PdfUnavailable from exc
    # Only data: URLs may be fetched: catalog text can never make the server request anything.
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
