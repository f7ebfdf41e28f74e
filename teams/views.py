"""Teams pages: my teams and invitations, a team (the heatmap for its leads and staff), its CSV,
a member's skills for their lead, and my skills with a target.

Every page is for a signed-in member; the team is looked up through
teams.access (404 outside it, 403 for what one's place does not allow).
Writes are POST forms with CSRF that call teams.services and redirect back.
"""

import dataclasses

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skillmatrix import partials
from skills import freshness
from skills.exports import write_csv
from skills.models import Skill
from teams import access, pages, selectors, services
from teams.forms import AssessmentForm, InviteForm, TeamForm
from teams.models import AssessmentKind


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- My teams ----------------------------------------------------------------------


def _team_list(request, form: TeamForm, status: int = 200):
    context = {"memberships": selectors.my_memberships(user=request.user), "form": form}
    return render(request, "teams/team_list.html", context, status=status)


@login_required
@require_GET
def team_list(request):
    return _team_list(request, TeamForm())


@login_required
@require_POST
def team_create(request):
    form = TeamForm(request.POST)
    if form.is_valid():
        try:
            team = services.team_create(
                user=request.user, name=form.cleaned_data["name"], slug=form.cleaned_data["slug"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Team created: you are its lead."))
            return redirect(team.get_absolute_url())
    return _team_list(request, form, status=400)


@login_required
@require_POST
def invitation_answer(request, slug: str, answer: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    try:
        if answer == "accept":
            services.invitation_accept(team=team_access.team, user=request.user)
            messages.success(request, _("You joined %(team)s.") % {"team": team_access.team.name})
            return redirect(team_access.team.get_absolute_url())
        services.invitation_decline(team=team_access.team, user=request.user)
        messages.success(request, _("Invitation declined."))
    except ValidationError as error:
        _refused(request, error)
    return redirect("teams:list")


# --- A team ------------------------------------------------------------------------


@login_required
@require_GET
@freshness.member_pages(freshness.CATALOG, freshness.TEAMS)
def team(request, slug: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    context = {
        "access": team_access,
        "team": team_access.team,
        "members_section": _members_section(request, team_access),
        "own_invitation": [team_access.membership] if team_access.is_invited else [],
    }
    if team_access.can_view_matrix:
        asked = pages.heatmap_request(request.GET)
        context.update(
            heatmap=freshness.fragment(
                request,
                "team-heatmap",
                team_access.team.pk,
                asked,
                build=lambda: _heatmap(team_access.team, asked),
                depends=(freshness.CATALOG, freshness.TEAMS),
            ),
            filters=asked.filters,
            invite_form=InviteForm(),
        )
    return render(request, "teams/team.html", context)


# Stands in for the visitor's CSRF token in the cached members section (the forms' hidden input).
_CSRF_PLACEHOLDER = "csrf-token-of-the-visitor"


def _members_section(request, team_access: access.TeamAccess) -> SafeString:
    """The members and their forms, cached per team, viewer and revision: a lead of 50 people gets a hundred
    forms, rendered once until the team changes (TEAMS moves with every membership and every username)."""
    viewer = request.user
    team = team_access.team

    def build() -> str:
        context = {
            "team": team,
            "access": team_access,
            "viewer": viewer,
            "members": selectors.team_members(team=team),
            "csrf_token": _CSRF_PLACEHOLDER,
        }
        return str(render_to_string("teams/partials/members.html", context))

    html = freshness.fragment(
        request,
        "team-members",
        team.pk,
        viewer.pk,
        team_access.is_lead,
        team_access.is_active_member,
        build=build,
        depends=(freshness.TEAMS,),
    )
    return mark_safe(html.replace(_CSRF_PLACEHOLDER, get_token(request)))  # our own template's output


def _heatmap(team, asked: pages.HeatmapRequest) -> pages.RenderedHeatmap:
    """The heatmap's table and page links, the same for every lead and staff member: cached under the
    revisions it reads, per filters and page of people."""
    heatmap = selectors.heatmap(team=team, filters=asked.filters)
    page = Paginator(pages.heat_rows(heatmap, asked.filters), pages.PEOPLE_PER_PAGE).get_page(asked.page)

    def query(number: int) -> str:
        return pages.heatmap_query(asked.filters, heatmap.domain, number)

    context = {
        "team": team,
        "heatmap": heatmap,
        "page": page,
        "rows": page.object_list,
        "page_links": [(number, query(number)) for number in page.paginator.page_range],
        "previous_query": query(page.number - 1),
        "next_query": query(page.number + 1),
        "summaries": [heatmap.summaries[skill.pk] for skill in heatmap.skills],
        # Translated once, not once per cell.
        "words": {"disagree": _("disagree"), "expected": _("exp."), "self": _("self"), "lead": _("lead")},
    }
    return pages.RenderedHeatmap(
        domains=[(domain.slug, domain.name) for domain in heatmap.domains],
        domain=heatmap.domain,
        csv_query=pages.heatmap_query(asked.filters, heatmap.domain),
        table=render_to_string("teams/partials/heatmap_table.html", context),
    )


@login_required
@require_GET
def team_csv(request, slug: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    access.require_matrix(team_access)
    heatmap = selectors.heatmap(team=team_access.team, filters=pages.filters_from(request.GET))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="team-{team_access.team.slug}.csv"'
    write_csv(response, pages.CSV_COLUMNS, pages.csv_rows(heatmap))
    return response


@login_required
@require_POST
def member_invite(request, slug: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    access.require_lead(team_access)
    form = InviteForm(request.POST)
    try:
        if form.has_error("user", "max_length"):
            raise ValidationError(form.errors["user"])
        if not form.is_valid():
            raise ValidationError(_("Give a username or an email."))
        membership = services.member_invite(
            team=team_access.team, by=request.user, identifier=form.cleaned_data["user"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(user)s is invited.") % {"user": membership.user.get_username()})
    return redirect(team_access.team.get_absolute_url())


@login_required
@require_POST
def member_remove(request, slug: str, username: str):
    """A lead removes a member; a member (their own username) leaves, the last lead naming a new one."""
    team_access = access.get_team_or_404(slug, user=request.user)
    if username != request.user.get_username():
        access.require_lead(team_access)
    membership = access.get_membership_or_404(team_access, username)
    new_lead = get_user_model().objects.filter(username=request.POST.get("new_lead", "")).first()
    try:
        services.member_remove(team=team_access.team, by=request.user, user=membership.user, new_lead=new_lead)
    except ValidationError as error:
        _refused(request, error)
        return redirect(team_access.team.get_absolute_url())
    if membership.user.pk == request.user.pk:
        messages.success(request, _("You left %(team)s.") % {"team": team_access.team.name})
        return redirect("teams:list")
    messages.success(request, _("%(user)s is no longer in the team.") % {"user": username})
    return redirect(team_access.team.get_absolute_url())


@login_required
@require_POST
def member_make_lead(request, slug: str, username: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    access.require_lead(team_access)
    membership = access.get_membership_or_404(team_access, username)
    try:
        services.member_make_lead(team=team_access.team, by=request.user, user=membership.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(user)s is now a lead.") % {"user": username})
    return redirect(team_access.team.get_absolute_url())


# --- Assessments -------------------------------------------------------------------


def _skills_context(person) -> dict:
    levels = person.cells[0].levels if person.cells else []
    forms = {
        cell.skill.pk: AssessmentForm(levels=levels, prefix=cell.skill.slug, initial={"level": _initial_level(cell)})
        for cell in person.cells
    }
    return {"person": person, "rows": [(cell, forms[cell.skill.pk]) for cell in person.cells]}


def _chart(person):
    return pages.skills_chart(total=len(person.cells), days=selectors.skills_over_time(person=person))


def _initial_level(cell) -> str:
    own = cell.self_assessment
    return own.level.slug if own is not None and own.level is not None else "none"


def _record_from_post(request, *, person, skill_slug: str, record):
    """The member's cell for the skill, and the posted form: bound, and with the service's refusal among its errors.

    Recorded, the cell is the one in `person` as it now stands (the new assessment in place of the old), so
    that the answer in place renders from the rows already read instead of reading them all again."""
    index = next((i for i, c in enumerate(person.cells) if c.skill.slug == skill_slug), None)
    if index is None:
        if not Skill.objects.filter(slug=skill_slug).exists():
            raise Http404(_("No skill with this slug."))
        raise Http404(_("This skill is not one of the role's skills."))
    cell = person.cells[index]
    form = AssessmentForm(request.POST, levels=cell.levels, prefix=skill_slug)
    if form.is_valid():
        try:
            assessment = record(
                skill=cell.skill,
                level=form.level_obj(),
                evidence_url=form.cleaned_data["evidence_url"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            kind = "self_assessment" if assessment.kind == AssessmentKind.SELF else "lead_assessment"
            cell = person.cells[index] = dataclasses.replace(cell, **{kind: assessment})
    return cell, form


def _recorded(request, cell, form, *, person, page: str, context) -> HttpResponse:
    """After recording: in place, the row as it now stands with what it moved (context(): the rest of what
    the answer shows, from `person` as recorded), or the form with its errors (400); else the outcome as a
    message and back to the page."""
    if not partials.wants_partial(request):
        if form.errors:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        else:
            messages.success(request, _("Assessment of %(skill)s recorded.") % {"skill": cell.skill.name})
        return redirect(page + f"#skill-{cell.skill.slug}")
    recorded = not form.errors
    if recorded:  # the row's form as the page now shows it
        form = AssessmentForm(levels=cell.levels, prefix=cell.skill.slug, initial={"level": _initial_level(cell)})
    answer = context() | {"person": person, "cell": cell, "form": form, "recorded": recorded, "open": not recorded}
    if recorded:
        answer["chart"] = _chart(person)
    status = 200 if recorded else 400
    return partials.fragment(request, "teams/partials/assessment_answer.html", answer, status=status)


def _person_skills(request, user, membership=None) -> selectors.PersonSkills:
    """The person's skills, their role's part kept per catalog revision (selectors.role_skills)."""
    return selectors.person_skills(user, membership, catalog=freshness.counters_for(request, (freshness.CATALOG,)))


def _person_context(request, team_access, user, membership=None) -> dict:
    found = _person_skills(request, user, membership)
    return _skills_context(found) | {"team": team_access.team, "access": team_access, "chart": _chart(found)}


@login_required
@require_GET
def person(request, slug: str, username: str):
    """An active member's skills, for a lead of the team (who records their assessment here) or staff."""
    team_access = access.get_team_or_404(slug, user=request.user)
    access.require_matrix(team_access)
    membership = access.get_membership_or_404(team_access, username)
    if not membership.is_active:
        raise Http404(_("No such member in this team."))
    return render(request, "teams/person.html", _person_context(request, team_access, membership.user, membership))


@login_required
@require_POST
def person_assess(request, slug: str, username: str, skill: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    membership = access.get_assessable_member_or_404(team_access, username)
    found = _person_skills(request, membership.user)

    def record(**kwargs):
        return services.lead_assessment_record(
            team=team_access.team, lead=request.user, subject=membership.user, **kwargs
        )

    cell, form = _record_from_post(request, person=found, skill_slug=skill, record=record)
    page = reverse("teams:person", args=[slug, username])
    return _recorded(
        request, cell, form, person=found, page=page, context=lambda: {"team": team_access.team, "access": team_access}
    )


def _target(request, found):
    """The target chosen by ?role=&level=, else the next level of the member's role."""
    role_slug, level_slug = request.GET.get("role", ""), request.GET.get("level", "")
    asked = slug_re.match(role_slug) and slug_re.match(level_slug)  # no query for what is no slug (a NUL byte)
    chosen = selectors.role_level(role_slug=role_slug, level_slug=level_slug) if asked else None
    if chosen is not None:
        return chosen
    if found.profile is None:
        return None
    return selectors.default_target(found.profile, found.cells[0].levels if found.cells else [])


def _my_skills_context(request) -> dict:
    found = _person_skills(request, request.user)
    choices = selectors.target_choices()
    picker = {"roles": choices.roles, "levels_for_choice": choices.levels}
    return _skills_context(found) | _my_target_context(request, found) | picker | {"chart": _chart(found)}


def _my_target_context(request, found) -> dict:
    """What the target shows (the page adds the picker's choices; an answer in place leaves the page's picker)."""
    chosen = _target(request, found)
    catalog = freshness.counters_for(request, (freshness.CATALOG,))
    target = selectors.target_for(person=found, role=chosen[0], level=chosen[1], catalog=catalog) if chosen else None
    # The assessment forms post to the page's own target, so that an answer in place shows that target.
    target_query = "?" + urlencode({"role": chosen[0].slug, "level": chosen[1].slug}) if chosen else ""
    return {"target": target, "target_query": target_query}


@login_required
@require_GET
def my_skills(request):
    return render(request, "teams/my_skills.html", _my_skills_context(request))


@login_required
@require_POST
def my_skill_assess(request, skill: str):
    found = _person_skills(request, request.user)

    def record(**kwargs):
        return services.self_assessment_record(user=request.user, **kwargs)

    cell, form = _record_from_post(request, person=found, skill_slug=skill, record=record)
    page = reverse("teams:my-skills") + _target_query(request)
    return _recorded(request, cell, form, person=found, page=page, context=lambda: _my_target_context(request, found))


def _target_query(request) -> str:
    """The page's ?role=&level=, carried by its forms: back to the same target (validated when the page reads it)."""
    chosen = {key: request.GET[key] for key in ("role", "level") if key in request.GET}
    return "?" + urlencode(chosen) if chosen else ""
