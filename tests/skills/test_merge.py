"""Merging a duplicate skill into another: the service, the 301s, the audit trail and the admin flow."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skills import merge
from skills.merge import Decision, merge_plan, skill_merge
from skills.models import (
    Expectation,
    ExpectationEvent,
    Proficiency,
    Skill,
    SkillEvent,
    SkillRedirect,
    SkillRedirectEvent,
)
from tests.factories import ExpectationFactory, SkillFactory, SkillGroupFactory, UserFactory, make_role

KEEP, TAKE = Decision.KEEP_TARGET.value, Decision.TAKE_SOURCE.value


@pytest.fixture
def roles(levels):
    return [make_role(levels), make_role(levels)]


def cell(skill, role, level, text, **kwargs):
    return ExpectationFactory(skill=skill, role=role, level=level, description=text, **kwargs)


@pytest.fixture
def pair(levels, roles):
    """Source "ML Tracking" and target "Tracking": two cells move, one clashes (first role, Junior)."""
    group = SkillGroupFactory()
    source = SkillFactory(group=group, name="ML Tracking", slug="ml-tracking")
    target = SkillFactory(group=group, name="Tracking", slug="tracking")
    junior, middle, senior = levels[:3]
    first, second = roles
    cells = {
        "clash_source": cell(source, first, junior, "Source text for junior.", required=True),
        "move_1": cell(source, first, middle, "Moves: first role, middle."),
        "move_2": cell(source, second, junior, "Moves: second role, junior."),
        "clash_target": cell(target, first, junior, "Target text for junior.", proficiency=Proficiency.AWARENESS),
        "target_only": cell(target, second, senior, "Target only."),
    }
    for value in cells.values():
        value.refresh_from_db()
    return {"source": source, "target": target, "levels": levels, "roles": roles, **cells}


def decisions(pair, value):
    clash = pair["clash_source"]
    return {(clash.role_id, clash.level_id): value}


# --------------------------------------------------------------------------- service
def test_plan_lists_moves_and_clashes(pair):
    plan = merge_plan(source=pair["source"], target=pair["target"])
    assert {c.pk for c in plan.moves} == {pair["move_1"].pk, pair["move_2"].pk}
    assert [(c.source.pk, c.target.pk) for c in plan.clashes] == [(pair["clash_source"].pk, pair["clash_target"].pk)]


def test_non_clashing_cells_move_keeping_identity_and_version(pair, staff):
    moved = pair["move_1"]
    Expectation.objects.filter(pk=moved.pk).update(description="Edited once.")  # version 2
    result = skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)

    assert result.moved == 2
    after = Expectation.objects.get(pk=moved.pk)
    assert (after.skill_id, after.version, after.description) == (pair["target"].pk, 2, "Edited once.")
    assert Expectation.objects.get(pk=pair["move_2"].pk).skill_id == pair["target"].pk
    assert not Skill.objects.filter(pk=pair["source"].pk).exists()
    assert Expectation.objects.filter(skill=pair["target"]).count() == 4


def test_clash_keep_target_deletes_the_source_cell(pair, staff):
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    kept = Expectation.objects.get(pk=pair["clash_target"].pk)
    assert (kept.description, kept.version, kept.required) == ("Target text for junior.", 1, False)
    assert not Expectation.objects.filter(pk=pair["clash_source"].pk).exists()


def test_clash_take_source_copies_text_flags_and_proficiency(pair, staff):
    Expectation.objects.filter(pk=pair["clash_source"].pk).update(translations={"de": {"description": "Quelltext."}})
    Expectation.objects.filter(pk=pair["clash_target"].pk).update(translations={"es": {"description": "Destino."}})
    result = skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, TAKE), user=staff)
    taken = Expectation.objects.get(pk=pair["clash_target"].pk)
    source = pair["clash_source"]
    assert (taken.description, taken.required, taken.proficiency) == (
        source.description,
        source.required,
        source.proficiency,
    )
    assert taken.version == 2 and taken.skill_id == pair["target"].pk
    assert taken.translations == {"de": {"description": "Quelltext."}}  # the translations of the text it took
    assert not Expectation.objects.filter(pk=source.pk).exists()
    assert [(c.decision, c.source_version, c.target_version) for c in result.resolved] == [(Decision.TAKE_SOURCE, 1, 2)]


def test_the_search_document_follows_the_moved_cells(pair, staff):
    from skills.selectors import skill_list

    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    assert [s.slug for s in skill_list(search="moves")] == ["tracking"]


@pytest.mark.parametrize(
    "given, message",
    [({}, "Decide for every clashing expectation"), ("bogus", "Decide for every clashing expectation")],
)
def test_a_missing_or_unknown_decision_writes_nothing(pair, staff, given, message):
    events = ExpectationEvent.objects.count()
    chosen = decisions(pair, given) if isinstance(given, str) else given
    with pytest.raises(ValidationError, match=message):
        skill_merge(source=pair["source"], target=pair["target"], decisions=chosen, user=staff)
    assert Skill.objects.filter(pk=pair["source"].pk).exists()
    assert Expectation.objects.filter(skill=pair["source"]).count() == 3
    assert ExpectationEvent.objects.count() == events
    assert not SkillRedirect.objects.exists()


def test_a_skill_cannot_be_merged_into_itself(pair, staff):
    with pytest.raises(ValidationError, match="into itself"):
        skill_merge(source=pair["source"], target=pair["source"], decisions={}, user=staff)


def test_a_preview_that_went_stale_writes_nothing(pair, staff):
    plan = merge_plan(source=pair["source"], target=pair["target"])
    Expectation.objects.filter(pk=pair["clash_target"].pk).update(description="Changed after the preview.")
    with pytest.raises(ValidationError, match="changed since the preview"):
        skill_merge(
            source=pair["source"],
            target=pair["target"],
            decisions=decisions(pair, KEEP),
            user=staff,
            fingerprint=plan.fingerprint,
        )
    assert Skill.objects.filter(pk=pair["source"].pk).exists()


def test_a_deleted_target_is_refused(pair, staff):
    target = pair["target"]
    Skill.objects.filter(pk=target.pk).delete()
    with pytest.raises(ValidationError, match="no longer exists"):
        skill_merge(source=pair["source"], target=target, decisions={}, user=staff)
    assert Expectation.objects.filter(skill=pair["source"]).count() == 3


def test_the_target_is_last_updated_today(pair, staff):
    from django.utils import timezone

    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    assert Skill.objects.get(pk=pair["target"].pk).updated == timezone.localdate()


def test_the_service_query_count_does_not_grow_with_the_skills(levels, staff):
    def merged_queries(role_count: int) -> int:
        group = SkillGroupFactory()
        source, target = SkillFactory(group=group), SkillFactory(group=group)
        roles = [make_role(levels) for _ in range(role_count)]
        for role in roles:
            for level in levels:
                cell(source, role, level, f"Source {role} {level}.")
            for level in levels[:2]:
                cell(target, role, level, f"Target {role} {level}.")
        chosen = {(r.pk, lv.pk): (TAKE if i % 2 else KEEP) for i, r in enumerate(roles) for lv in levels[:2]}
        for _ in range(role_count):
            UserFactory().watches.create(skill=source)
        with CaptureQueriesContext(connection) as queries:
            skill_merge(source=source, target=target, decisions=chosen, user=staff)
        return len(queries)

    small = merged_queries(2)
    assert merged_queries(8) == small


# ------------------------------------------------------------------------ redirects
def test_old_addresses_answer_301_to_the_same_path_of_the_target(client, pair, staff, member):
    client.force_login(member)  # the suggest form asks anonymous visitors to sign in first
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    role, level = pair["roles"][0].slug, pair["levels"][1].slug
    expected = {
        "/skills/ml-tracking/": "/skills/tracking/",
        "/skills/ml-tracking/?level=middle": "/skills/tracking/?level=middle",
        "/skills/ml-tracking/history/?page=2": "/skills/tracking/history/?page=2",
        f"/skills/ml-tracking/{role}/{level}/": f"/skills/tracking/{role}/{level}/",
        "/skills/ml-tracking/suggest/": "/skills/tracking/suggest/",
        "/api/skills/ml-tracking/": "/api/skills/tracking/",
        "/api/skills/ml-tracking/comments/?page=1": "/api/skills/tracking/comments/?page=1",
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert client.get("/skills/tracking/").status_code == 200
    assert client.get(f"/skills/tracking/{role}/{level}/").status_code == 200


def test_only_reads_are_redirected_and_unknown_slugs_stay_404(client, pair, staff):
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    assert client.get("/skills/never-existed/").status_code == 404
    assert client.get("/api/skills/never-existed/").status_code == 404
    assert client.post("/skills/ml-tracking/suggest/").status_code != 301


def test_a_redirect_costs_one_query_after_the_views_own(client, pair, staff, django_assert_num_queries):
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    with django_assert_num_queries(2):  # the history view looks the skill up (404), then the redirect is found
        assert client.get("/skills/ml-tracking/history/").status_code == 301


def test_chains_resolve_to_the_last_skill(client, pair, staff, levels):
    final = SkillFactory(name="Final", slug="final")
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    skill_merge(source=pair["target"], target=final, decisions={}, user=staff)
    assert dict(SkillRedirect.objects.values_list("old_slug", "skill__slug")) == {
        "ml-tracking": "final",
        "tracking": "final",
    }
    response = client.get("/skills/ml-tracking/history/?page=1")
    assert (response.status_code, response["Location"]) == (301, "/skills/final/history/?page=1")


def test_a_new_skill_may_take_an_old_address(client, pair, staff):
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    SkillFactory(name="ML Tracking again", slug="ml-tracking")
    assert client.get("/skills/ml-tracking/").status_code == 200
    assert client.get("/skills/ml-tracking/no-role/no-level/").status_code == 404


def test_merging_into_a_skill_that_reused_an_old_address_drops_that_redirect(pair, staff):
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    reused = SkillFactory(slug="ml-tracking")
    skill_merge(source=pair["target"], target=reused, decisions={}, user=staff)
    assert dict(SkillRedirect.objects.values_list("old_slug", "skill__slug")) == {"tracking": "ml-tracking"}


# ---------------------------------------------------------------------- audit trail
def test_every_audit_row_of_the_merge_carries_it(pair, staff):
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, TAKE), user=staff)
    expected = {"from": "ml-tracking", "from_name": "ML Tracking", "into": "tracking", "into_name": "Tracking"}

    moved = ExpectationEvent.objects.filter(pgh_obj_id=pair["move_1"].pk, pgh_label="update").get()
    taken = ExpectationEvent.objects.filter(pgh_obj_id=pair["clash_target"].pk, pgh_label="update").get()
    removed = ExpectationEvent.objects.filter(pgh_obj_id=pair["clash_source"].pk, pgh_label="delete").get()
    deleted = SkillEvent.objects.filter(pgh_obj_id=pair["source"].pk, pgh_label="delete").get()
    redirect = SkillRedirectEvent.objects.get(pgh_label="insert")
    for event in (moved, taken, removed, deleted, redirect):
        metadata = event.pgh_context.metadata
        assert metadata["merge"] == expected
        assert (metadata["source"], metadata["user"], metadata["username"]) == ("admin", staff.pk, "staff")
    assert (moved.skill_id, moved.version) == (pair["target"].pk, 1)


def test_the_target_history_shows_the_moved_cells_with_a_label(client, pair, staff):
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    html = client.get("/skills/tracking/history/").content.decode()
    assert html.count("Moved here by a merge") == 2
    assert "in the merge of “ML Tracking” into “Tracking”" in html
    assert "Moves: first role, middle." in html


def test_a_moved_cell_keeps_its_earlier_history(client, pair, staff):
    moved = pair["move_1"]
    Expectation.objects.filter(pk=moved.pk).update(description="Edited before the merge.")
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    response = client.get(moved.__class__.objects.get(pk=moved.pk).get_absolute_url())
    labels = [entry.action_label for entry in response.context["history"]]
    assert labels == ["Moved here by a merge", "Changed", "Added"]


# ---------------------------------------------------------------------------- admin
def merge_url(skill) -> str:
    return reverse("admin:skills_skill_merge", args=[skill.pk])


def test_the_action_leads_to_the_merge_page_for_exactly_one_skill(client, pair, staff):
    client.force_login(staff)
    changelist = reverse("admin:skills_skill_changelist")
    response = client.post(changelist, {"action": "merge_into_another", "_selected_action": [pair["source"].pk]})
    assert (response.status_code, response["Location"]) == (302, merge_url(pair["source"]))

    both = [pair["source"].pk, pair["target"].pk]
    response = client.post(changelist, {"action": "merge_into_another", "_selected_action": both}, follow=True)
    assert "Select exactly one skill" in response.content.decode()
    assert Skill.objects.count() == 2


def test_the_change_page_links_to_the_merge(client, pair, staff):
    client.force_login(staff)
    html = client.get(reverse("admin:skills_skill_change", args=[pair["source"].pk])).content.decode()
    assert merge_url(pair["source"]) in html


def test_the_preview_lists_moves_clashes_and_followers_and_writes_nothing(client, pair, staff):
    client.force_login(staff)
    events = ExpectationEvent.objects.count()
    response = client.get(merge_url(pair["source"]))
    assert response.status_code == 200 and 'name="target"' in response.content.decode()

    response = client.get(merge_url(pair["source"]), {"target": pair["target"].pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Moves: first role, middle." in html and "Moves: second role, junior." in html
    assert "Source text for junior." in html and "Target text for junior." in html
    clash = pair["clash_source"]
    assert html.count(f'name="clash-{clash.role_id}-{clash.level_id}"') == 2
    assert "Watchers" in html
    assert ExpectationEvent.objects.count() == events and Skill.objects.count() == 2


def test_confirming_merges_and_redirects_to_the_target(client, pair, staff):
    client.force_login(staff)
    plan = merge_plan(source=pair["source"], target=pair["target"])
    clash = pair["clash_source"]
    response = client.post(
        merge_url(pair["source"]),
        {"target": pair["target"].pk, "fingerprint": plan.fingerprint, f"clash-{clash.role_id}-{clash.level_id}": TAKE},
    )
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("admin:skills_skill_change", args=[pair["target"].pk]),
    )
    assert not Skill.objects.filter(pk=pair["source"].pk).exists()
    assert Expectation.objects.get(pk=pair["clash_target"].pk).description == "Source text for junior."
    assert "Merged “ML Tracking” into “Tracking”" in client.get(response["Location"]).content.decode()


def test_confirming_without_a_decision_shows_the_preview_again_and_writes_nothing(client, pair, staff):
    client.force_login(staff)
    plan = merge_plan(source=pair["source"], target=pair["target"])
    response = client.post(merge_url(pair["source"]), {"target": pair["target"].pk, "fingerprint": plan.fingerprint})
    assert response.status_code == 200
    assert "Decide for every clashing expectation" in response.content.decode()
    assert Skill.objects.filter(pk=pair["source"].pk).exists()
    assert Expectation.objects.filter(skill=pair["source"]).count() == 3


def test_choosing_the_same_skill_is_refused(client, pair, staff):
    client.force_login(staff)
    response = client.get(merge_url(pair["source"]), {"target": pair["source"].pk})
    assert "cannot be merged into itself" in response.content.decode()
    assert response.context["plan"] is None
    response = client.post(merge_url(pair["source"]), {"target": pair["source"].pk})
    assert response.status_code == 200 and Skill.objects.count() == 2


def test_a_target_deleted_after_the_preview_is_reported(client, pair, staff):
    client.force_login(staff)
    plan = merge_plan(source=pair["source"], target=pair["target"])
    clash = pair["clash_source"]
    Skill.objects.filter(pk=pair["target"].pk).delete()
    response = client.post(
        merge_url(pair["source"]),
        {"target": pair["target"].pk, "fingerprint": plan.fingerprint, f"clash-{clash.role_id}-{clash.level_id}": KEEP},
        follow=True,
    )
    assert "The target skill no longer exists" in response.content.decode()
    assert Expectation.objects.filter(skill=pair["source"]).count() == 3


@pytest.mark.parametrize("who", [None, "member", "author", "reviewer"])
def test_only_staff_reach_the_merge(client, pair, who, request):
    if who:
        client.force_login(request.getfixturevalue(who))
    clash = pair["clash_source"]
    for response in (
        client.get(merge_url(pair["source"]), {"target": pair["target"].pk}),
        client.post(
            merge_url(pair["source"]),
            {"target": pair["target"].pk, f"clash-{clash.role_id}-{clash.level_id}": KEEP},
        ),
    ):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert Skill.objects.count() == 2


def test_staff_without_the_right_to_delete_skills_cannot_merge(client, pair):
    editor = UserFactory(username="editor", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_skill", "change_skill"]))
    client.force_login(editor)
    assert client.get(merge_url(pair["source"])).status_code == 403
    assert client.post(merge_url(pair["source"]), {"target": pair["target"].pk}).status_code == 403
    changelist = reverse("admin:skills_skill_changelist")
    assert "merge_into_another" not in client.get(changelist).content.decode()
    assert Skill.objects.count() == 2


def test_the_preview_query_count_does_not_grow_with_the_skills(client, staff, levels):
    client.force_login(staff)

    def preview_queries(role_count: int) -> int:
        group = SkillGroupFactory()
        source, target = SkillFactory(group=group), SkillFactory(group=group)
        for _ in range(role_count):
            role = make_role(levels)
            for level in levels:
                cell(source, role, level, f"Source {role} {level}.")
            cell(target, role, levels[0], f"Target {role}.")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(merge_url(source), {"target": target.pk})
        assert response.status_code == 200
        return len(queries)

    small = preview_queries(1)
    assert preview_queries(6) == small


def test_redirects_are_listed_read_only_with_search(client, pair, staff):
    skill_merge(source=pair["source"], target=pair["target"], decisions=decisions(pair, KEEP), user=staff)
    client.force_login(staff)
    response = client.get(reverse("admin:skills_skillredirect_changelist"), {"q": "ml-tra"})
    assert response.status_code == 200 and "ml-tracking" in response.content.decode()
    assert client.get(reverse("admin:skills_skillredirect_add")).status_code == 403
    redirect = SkillRedirect.objects.get()
    response = client.post(reverse("admin:skills_skillredirect_delete", args=[redirect.pk]), {"post": "yes"})
    assert response.status_code == 403 and SkillRedirect.objects.exists()


# ----------------------------------------------------------------------- seed example
def test_the_seed_skill_merges_into_experiment_tracking(client, seeded_catalog, staff):
    source = Skill.objects.get(slug="ml-experiment-tracking")
    target = Skill.objects.get(slug="experiment-tracking")
    before = Expectation.objects.filter(skill=target).count()
    plan = merge_plan(source=source, target=target)
    assert (len(plan.moves), len(plan.clashes)) == (0, 10)

    # Take the seed's text for the Data Scientist, keep the target's for the LLM Engineer.
    chosen = {c.axes: TAKE if c.source.role.slug == "data-scientist" else KEEP for c in plan.clashes}
    seed_text = {
        c.source.level.slug: c.source.description
        for c in plan.clashes
        if c.axes and c.source.role.slug == "data-scientist"
    }
    skill_merge(source=source, target=target, decisions=chosen, user=staff, fingerprint=plan.fingerprint)

    assert Expectation.objects.filter(skill=target).count() == before
    ds = dict(
        Expectation.objects.filter(skill=target, role__slug="data-scientist").values_list("level__slug", "description")
    )
    assert ds == seed_text
    response = client.get("/skills/ml-experiment-tracking/data-scientist/middle/?lang=en")
    assert response.status_code == 301
    assert response["Location"] == "/skills/experiment-tracking/data-scientist/middle/?lang=en"
    assert merge.participants, "the community's participant is registered by ProposalsConfig.ready()"


@pytest.mark.parametrize("preset", [KEEP, TAKE])
def test_a_preset_prechecks_every_clash_and_writes_nothing(client, pair, staff, preset):
    client.force_login(staff)
    response = client.get(merge_url(pair["source"]), {"target": pair["target"].pk, "preset": preset})
    clash = pair["clash_source"]
    key = f"clash-{clash.role_id}-{clash.level_id}"
    assert f'name="{key}" id="{key}-{preset}" value="{preset}" required checked' in response.content.decode()
    assert Skill.objects.count() == 2
