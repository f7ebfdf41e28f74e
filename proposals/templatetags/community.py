"""{% community_block skill %} and {% cell_community cell %}: the community parts of the skill pages.

The skills app renders them without importing proposals (the dependency runs
one way); each costs the same few queries however many watchers, proposals
and comments there are.
"""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from proposals import access, selectors
from proposals.pages import comment_widget_context, decorate_comments
from skills import freshness

register = template.Library()


def _user(context):
    request = context.get("request")
    return request, getattr(request, "user", None) or AnonymousUser()


@register.simple_tag(takes_context=True)
def community_block(context, skill):
    """`skill`: a Skill, or the skill page's pages.SkillPageMain (pk, slug and get_absolute_url are read)."""
    request, user = _user(context)
    if user.is_authenticated:
        # What every member sees alike is kept until this skill's rows or community, or a name it shows, change; only
        # whether this member watches, and what they may do with each comment, is theirs.
        shared = freshness.fragment(
            request,
            "community-shared",
            skill.pk,
            skill.slug,
            depends=(freshness.NAMES, *freshness.skill_page(skill.slug), *freshness.skill_watch(skill.slug)),
            build=lambda: selectors.community_shared(skill_id=skill.pk),
        )
        return _render_block(context, skill, user, shared=shared)
    # Anonymous visitors all see the same block: kept until a proposal, comment or watch of this skill changes, or
    # a name it shows.
    block = freshness.fragment(
        request,
        "community",
        skill.pk,
        skill.slug,
        depends=(freshness.NAMES, *freshness.skill_page(skill.slug), *freshness.skill_watch(skill.slug)),
        build=lambda: _render_block(context, skill, user),
    )
    return mark_safe(block)


def _render_block(context, skill, user, shared: dict | None = None) -> str:
    block = selectors.community_block(skill_id=skill.pk, user=user, shared=shared)
    # The kept page's watch box (watch_box) as this render shows it: its first answer from the copy reads nothing.
    _watch_box_summary(context.get("request"), skill.slug, user, build=lambda: {k: block[k] for k in WATCH_BOX})
    block["comments"] = decorate_comments(block["comments"], user)
    closing = [access.comment_edit_window_end(comment) for comment in block["comments"] if comment.can_edit]
    if closing:
        # The edit button of the member's own new comment goes when its window closes, with no write.
        freshness.changes_at(context.get("request"), min(closing))
    block_context = {
        **block,
        **comment_widget_context(
            user,
            api_url=reverse("community-api:skill-comments", args=[skill.slug]),
            post_url=reverse("proposals:skill-comment", args=[skill.slug]),
            login_next=skill.get_absolute_url() + "#comments",
        ),
        "skill": skill,
        "user": user,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
    return render_to_string("proposals/partials/community_block.html", block_context)


WATCH_BOX = ("watchers", "watching")


def _watch_box_summary(request, slug: str, user, build) -> dict:
    """The watcher count and whether this member watches, kept under the skill's watch counter."""
    return freshness.fragment(
        request,
        "watch-box",
        slug,
        user.pk,
        depends=freshness.skill_watch(slug),
        cache_name=freshness.MEMBER_PAGE_CACHE if user.is_authenticated else freshness.FRAGMENT_CACHE,
        build=build,
    )


@register.simple_tag(takes_context=True)
def watch_box(context, slug: str):
    """The skill page's watch box as it stands, for the kept page's hole (skills/partials/watch_hole.html): one
    query after a watch, none while none happens."""
    request, user = _user(context)
    summary = _watch_box_summary(request, slug, user, lambda: selectors.watch_summary_by_slug(slug=slug, user=user))
    box = {**summary, "user": user, "skill": {"slug": slug}, "csrf_token": context.get("csrf_token")}
    return render_to_string("proposals/partials/watch.html", box)


@register.inclusion_tag("proposals/partials/cell_community.html", takes_context=True)
def cell_community(context, cell):
    """The proposals that touch one cell, and the link to suggest a change to it."""
    request, user = _user(context)
    suggest_url = (
        reverse("proposals:suggest", args=[cell.skill.slug]) + f"?role={cell.role.slug}&level={cell.level.slug}"
    )
    return {
        "cell": cell,
        "proposals": selectors.cell_proposals(cell=cell),
        "suggest_url": suggest_url + f"#cell-c{cell.role_id}_{cell.level_id}",
        "user": user,
        "request": request,
    }
