import logging
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from skills import freshness, selectors
from skills.models import Domain, Proficiency, Role
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
# Skills (matrix rows) per page of the role page: a phone-sized page even for a role of thousands.
ROLE_MATRIX_PAGE_SIZE = 100


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it loads (Pango, HarfBuzz) are missing."""


@freshness.cached_page(freshness.CATALOG)
def role_list(request):
    return render(request, "skills/role_list.html", {"roles": selectors.roles_with_counts()})


def _profile(slug):
    role = get_object_or_404(selectors.roles_with_levels(), slug=slug)
    profile = selectors.role_profile(role=role)
    for cell in profile.cells:
        cell.proficiency_code = PROFICIENCY_CODES.get(cell.proficiency, "?")
    return profile


@freshness.cached_page(freshness.CATALOG)
def role_detail(request, slug):
    if request.GET.get("as_of"):
        return as_of_views.role_as_of(request, slug)
    page = _cached_role_main(request, slug, requested_page(request))
    role = Role(pk=page["pk"], slug=slug, name=page["name"], tagline=page["tagline"])
    return render(request, "skills/role_detail.html", {"role": role, "main": mark_safe(page["main"])})


def _cached_role_main(request, slug: str, requested: int) -> dict:
    """The role page's content for page `requested`, cached under the number of the page it shows.

    A number past the end shows the last page: the count of pages is kept beside the
    pages (built with them, no query of its own), so that ?page=999 is served from the
    last page's copy rather than building and keeping a copy of its own.
    """
    pages = freshness.fragment(request, "role-pages", slug, build=lambda: None, lookup_only=True)
    if pages is not None:
        number = min(requested, pages)
        return freshness.fragment(request, "role", slug, number, build=lambda: _role_main(slug, number))
    main = _role_main(slug, requested)
    freshness.fragment(request, "role-pages", slug, build=lambda: main["pages"])
    return freshness.fragment(request, "role", slug, main["number"], build=lambda: main)


def _role_main(slug: str, number: int) -> dict:
    """Page `number` of the role page's content, rendered: the same for every visitor."""
    profile = _profile(slug)
    role = profile.role
    matrix = matrix_page(profile, number)
    context = {"role": role, "profile": profile, "legend": LEGEND, "matrix": matrix}
    main = render_to_string("skills/partials/role_main.html", context)
    return {
        "pk": role.pk,
        "name": role.name,
        "tagline": role.tagline,
        "main": main,
        "number": matrix.page.number,
        "pages": matrix.page.paginator.num_pages,
    }


# --- The matrix, a page at a time -------------------------------------------------


def requested_page(request) -> int:
    """`?page=` as a number from 1: anything that is not a number is page 1, and 0 or less is page 1 too."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@dataclass
class MatrixPart:
    """The rows of one domain that fall on this page."""

    domain: Domain
    rows: list[selectors.MatrixRow]
    total: int  # the domain's skills in the whole role
    continued: bool  # the domain began on an earlier page

    @property
    def partial(self) -> bool:
        return len(self.rows) < self.total


@dataclass
class MatrixIndexEntry:
    domain: Domain
    total: int
    page: int  # the page where the domain begins


@dataclass
class MatrixPage:
    page: Page  # of (domain, row) pairs, in the matrix's order
    parts: list[MatrixPart]
    index: list[MatrixIndexEntry]  # empty when the matrix fits on one page
    page_range: list  # page numbers to link to, with Paginator.ELLIPSIS in the gaps


def matrix_page(profile: selectors.RoleProfile, number: int) -> MatrixPage:
    """Page `number` of the profile's matrix (the nearest page that exists), regrouped by domain.

    Only this page's rows reach the template: rendering is the cost of the page.
    """
    rows = [(group, row) for group in profile.domains for row in group.rows]
    paginator = Paginator(rows, ROLE_MATRIX_PAGE_SIZE)
    page = paginator.get_page(number)
    parts: list[MatrixPart] = []
    for group, row in page.object_list:
        if not parts or parts[-1].domain.pk != group.domain.pk:
            continued = group.rows[0] is not row
            parts.append(MatrixPart(domain=group.domain, rows=[], total=len(group.rows), continued=continued))
        parts[-1].rows.append(row)
    index = []
    if paginator.num_pages > 1:
        start = 0
        for group in profile.domains:
            page_of_start = start // ROLE_MATRIX_PAGE_SIZE + 1
            index.append(MatrixIndexEntry(domain=group.domain, total=len(group.rows), page=page_of_start))
            start += len(group.rows)
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return MatrixPage(page=page, parts=parts, index=index, page_range=page_range)


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
