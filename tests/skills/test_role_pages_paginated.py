"""The role page's skill matrix, 100 skills (rows) a page: ?page=N, live and as of a past day."""

import re
from html import unescape

import pytest
from django.utils import timezone

from skills import pages
from skills.views import roles as role_views
from tests.skills.helpers import DOMAINS, BigRole, big_role

SIZE = sum(count for _name, count in DOMAINS)


@pytest.fixture
def big(levels) -> BigRole:
    return big_role(levels)


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str) -> list[str]:
    return [unescape(name) for name in re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a>', html)]


def _titles(html: str) -> list[str]:
    return [unescape(title) for title in re.findall(r'<h3 class="matrix-domain__title">([^<]+)</h3>', html)]


def _badges(html: str) -> list[str]:
    return re.findall(r'</h3> <span class="badge badge--count">([^<]+)</span>', html)


def _section(html: str, css_class: str) -> str:
    """The <nav> with this class, to look at its links alone."""
    return html.split(f'<nav class="{css_class}"', 1)[1].split("</nav>", 1)[0]


def _links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"]*)"', html)]


def test_three_pages_of_rows_in_the_matrix_order(client, big):
    url = big.role.get_absolute_url()
    pages = [_rows(_html(client.get(url, {"page": number}))) for number in (1, 2, 3)]

    assert pages == [big.names[:100], big.names[100:200], big.names[200:]]
    assert _rows(_html(client.get(url))) == big.names[:100]  # no ?page= is page 1


def test_a_domain_split_over_pages_is_headed_continued_with_its_whole_count(client, big):
    url = big.role.get_absolute_url()
    first, second, third = (_html(client.get(url, {"page": number})) for number in (1, 2, 3))

    assert _titles(first) == ["Alpha", "Beta"]
    assert _titles(second) == ["Beta (continued)", "Gamma"]
    assert _titles(third) == ["Gamma (continued)"]
    # Whole domains say their count; a domain cut by the page says how many of its skills are here.
    assert _badges(first) == ["60 skills", "40 of 120 skills"]
    assert _badges(second) == ["80 of 120 skills", "20 of 70 skills"]
    assert _badges(third) == ["50 of 70 skills"]
    # Each domain's <details> is its anchor, on every page it shows on.
    beta = f'id="domain-{big.domains["Beta"].slug}"'
    assert beta in first and beta in second and beta not in third


def test_every_page_shows_the_whole_roles_header_stats_and_levels(client, big, levels):
    html = _html(client.get(big.role.get_absolute_url(), {"page": 2}))

    stats = dict(re.findall(r'<dt>([^<]+)</dt>\s*<dd class="stat__value">(\d+)</dd>', html))
    assert stats == {
        "Skills": str(SIZE),
        "Levels": str(len(levels)),
        "Mandatory": str(big.required),
        "Requirements": str(SIZE),
    }
    assert "<h1>Data Platform Engineer</h1>" in html
    assert "Technology stack and focus by level" in html
    assert 'href="#matrix"' in html and 'id="matrix"' in html  # the header's "Skill matrix" button
    assert "Skills 101\u2013200 of 250" in html  # an en dash


def test_pager_links_to_the_other_pages_of_the_matrix(client, big):
    html = _html(client.get(big.role.get_absolute_url(), {"page": 2}))

    pager = _section(html, "pagination")
    assert "Page 2 of 3" in pager
    assert _links(pager) == ["?page=1#matrix", "?page=1#matrix", "?page=3#matrix", "?page=3#matrix"]
    assert 'rel="prev" href="?page=1#matrix"' in pager and 'rel="next" href="?page=3#matrix"' in pager
    assert re.search(r'aria-current="page"><span aria-hidden="true">2</span>', pager)
    # The pager sits under the matrix.
    assert html.index('<nav class="pagination"') > html.rindex('<details class="matrix-domain"')

    first = _section(_html(client.get(big.role.get_absolute_url())), "pagination")
    assert "Previous" not in first and 'rel="next" href="?page=2#matrix"' in first


def test_domain_index_links_to_the_page_where_each_domain_begins(client, big):
    html = _html(client.get(big.role.get_absolute_url(), {"page": 2}))

    index = _section(html, "matrix-index")
    slug = {name: domain.slug for name, domain in big.domains.items()}
    # Alpha and Beta begin on page 1; Gamma on this page, a link within it.
    assert _links(index) == [
        f"?page=1#domain-{slug['Alpha']}",
        f"?page=1#domain-{slug['Beta']}",
        f"#domain-{slug['Gamma']}",
    ]
    assert re.findall(r">([^<]+)</a>", index) == ["Alpha", "Beta", "Gamma"]
    entries = [unescape(meta) for meta in re.findall(r'<span class="matrix-index__meta">([^<]+)</span>', index)]
    assert entries == ["60 skills · page 1", "120 skills · page 1", "70 skills · page 2"]
    # Above the matrix, under a heading of the matrix section.
    first_domain = html.index('<details class="matrix-domain"')
    assert html.index('id="matrix-title"') < html.index('<nav class="matrix-index"') < first_domain


@pytest.mark.parametrize(
    ("value", "shown"),
    [("abc", 1), ("0", 1), ("-3", 1), ("", 1), ("2.5", 1), ("999", 3), ("1" + "0" * 30, 3), ("9" * 5000, 1), ("3", 3)],
)
def test_a_bad_or_out_of_range_page_shows_the_nearest_page(client, big, value, shown):
    html = _html(client.get(big.role.get_absolute_url(), {"page": value}))

    assert f"Page {shown} of 3" in html
    assert _rows(html)[0] == big.names[(shown - 1) * 100]


def test_a_small_role_has_no_pager_and_no_domain_index(client, levels):
    small = big_role(levels, domains=[("Alpha", 30), ("Beta", 70)])  # exactly one full page
    url = small.role.get_absolute_url()

    for query in ({}, {"page": 2}, {"page": "x"}):
        html = _html(client.get(url, query))
        assert _rows(html) == small.names
        assert _titles(html) == ["Alpha", "Beta"]
        assert _badges(html) == ["30 skills", "70 skills"]
        assert 'class="pagination"' not in html
        assert "matrix-index" not in html
        assert "(continued)" not in html
        assert 'href="?page=' not in html


def test_matrix_page_hands_the_template_only_its_rows(big):
    profile = role_views._profile(big.role.slug)

    matrix = pages.matrix_page(profile, 3)

    assert [(part.domain.name, len(part.rows), part.total, part.continued) for part in matrix.parts] == [
        ("Gamma", 50, 70, True)
    ]
    assert [entry.page for entry in matrix.index] == [1, 1, 2]
    assert matrix.page_range == [1, 2, 3]


# --- Caching: a page is never served for another ---------------------------------------


def test_cached_pages_stay_apart_for_anonymous_visitors(client, big):
    url = big.role.get_absolute_url()
    first = _html(client.get(url))

    second = _html(client.get(url, {"page": 2}))  # fragment and whole-page caches now hold page 1

    assert _rows(second) == big.names[100:200]
    assert _rows(_html(client.get(url))) == _rows(first) == big.names[:100]
    assert _rows(_html(client.get(url, {"page": 2}))) == big.names[100:200]  # from the whole-page cache


def test_cached_pages_stay_apart_for_signed_in_visitors(client, big, member):
    client.force_login(member)  # no whole-page cache: the fragment alone
    url = big.role.get_absolute_url()
    assert _rows(_html(client.get(url))) == big.names[:100]
    assert _rows(_html(client.get(url, {"page": 2}))) == big.names[100:200]
    assert _rows(_html(client.get(url, {"page": 999}))) == big.names[200:]
    assert _rows(_html(client.get(url, {"page": 1}))) == big.names[:100]


def test_pages_have_their_own_etags(client, big):
    url = big.role.get_absolute_url()
    first, second = client.get(url), client.get(url, {"page": 2})

    assert first.headers["ETag"] != second.headers["ETag"]
    # Revalidating page 2 with page 1's ETag gets page 2, not a 304.
    again = client.get(url, {"page": 2}, headers={"if-none-match": first.headers["ETag"]})
    assert again.status_code == 200 and _rows(again.content.decode()) == big.names[100:200]
    assert client.get(url, {"page": 2}, headers={"if-none-match": second.headers["ETag"]}).status_code == 304


# --- Query counts: page 2 costs what page 1 costs --------------------------------------


@pytest.mark.parametrize("page", [1, 2, 3, 999])
def test_every_page_costs_the_same_queries(client, big, member, django_assert_num_queries, page):
    client.force_login(member)  # signed in: the fragment is what is tested, not the whole-page cache
    url = big.role.get_absolute_url()
    # the revisions, the session, the user; role, its role levels, the catalog's levels, the role's cells,
    # their skills
    with django_assert_num_queries(8):
        html = _html(client.get(url, {"page": page}))
    assert len(_rows(html)) == (100 if page in (1, 2) else 50)
    with django_assert_num_queries(3):  # then from the fragment cache: the revisions, the session, the user
        client.get(url, {"page": page})


@pytest.mark.parametrize("page", [1, 2])
def test_anonymous_page_query_counts(client, big, django_assert_num_queries, page):
    url = big.role.get_absolute_url()
    # the revisions; role, its role levels, the catalog's levels, the role's cells, their skills
    # (as test_pages_roles pins)
    with django_assert_num_queries(6):
        _html(client.get(url, {"page": page}))


def test_a_page_past_the_end_is_served_from_the_last_pages_copy(client, big, member, django_assert_num_queries):
    client.force_login(member)
    url = big.role.get_absolute_url()
    client.get(url, {"page": 3})  # builds page 3 and learns that there are 3 pages
    with django_assert_num_queries(3):  # the revisions, the session, the user: nothing built
        html = _html(client.get(url, {"page": 999}))
    assert _rows(html) == big.names[200:]


# --- As of a past day ---------------------------------------------------------------


def test_the_past_role_page_is_paginated_and_its_links_keep_the_day(client, big):
    day = timezone.localdate().isoformat()  # the end of today: the catalog as it is
    url = big.role.get_absolute_url()

    html = _html(client.get(url, {"as_of": day, "page": 2}))

    assert "You are looking at this page as it stood on" in html
    assert _rows(html) == big.names[100:200]
    assert _titles(html) == ["Beta (continued)", "Gamma"]
    pager = _links(_section(html, "pagination"))
    assert pager == [f"?page={n}&as_of={day}#matrix" for n in (1, 1, 3, 3)]
    index = _links(_section(html, "matrix-index"))
    slug = {name: domain.slug for name, domain in big.domains.items()}
    assert index == [
        f"?page=1&as_of={day}#domain-{slug['Alpha']}",
        f"?page=1&as_of={day}#domain-{slug['Beta']}",
        f"#domain-{slug['Gamma']}",
    ]
    stats = dict(re.findall(r'<dt>([^<]+)</dt>\s*<dd class="stat__value">(\d+)</dd>', html))
    assert stats["Skills"] == str(SIZE)
    assert _rows(_html(client.get(url, {"as_of": day, "page": "999"}))) == big.names[200:]


def test_the_past_role_page_costs_the_same_on_every_page(client, big, django_assert_num_queries):
    day = timezone.localdate().isoformat()
    url = big.role.get_absolute_url()
    for page in (1, 2):
        # the revisions; role, its role levels, the levels, its cells, their skills, groups, domains
        with django_assert_num_queries(8):
            _html(client.get(url, {"as_of": day, "page": page}))
