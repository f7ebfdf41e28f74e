import pghistory
import pgtrigger
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Cast, Lower, Now
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from skills.translations import Translated


# Every catalog table is tracked by database triggers: inserts, updates and
# deletes from any code path (admin, import, approval, raw SQL) land in the
# audit trail, with the context (user, source) that the caller attached.
def track(model):
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())(model)


# Full-text search ("english" config). Every skill has one document: its name
# and its translated names (weight A), summary (B) and all its cell descriptions (C); every role one of
# its name and translated names (A), family and tagline (B). They live in side tables (SkillSearch,
# RoleSearch) so that the vectors are never loaded with the rows themselves,
# and database triggers keep them current whatever writes the catalog (admin,
# import, approval, raw SQL).
SEARCH_CONFIG = "english"

UPSERT_SKILL_SEARCH = """
INSERT INTO skills_skillsearch (skill_id, document)
SELECT s.id,
    setweight(to_tsvector('english', coalesce(s.name, '')), 'A')
    || setweight(to_tsvector('english', coalesce(
        (SELECT string_agg(t.value ->> 'name', ' ') FROM jsonb_each(s.translations) t), ''
    )), 'A')
    || setweight(to_tsvector('english', coalesce(s.summary, '')), 'B')
    || setweight(to_tsvector('english', coalesce(
        (SELECT string_agg(e.description, ' ' ORDER BY e.id) FROM skills_expectation e WHERE e.skill_id = s.id),
        ''
    )), 'C')
FROM skills_skill s
WHERE s.id IN ({ids})
ON CONFLICT (skill_id) DO UPDATE SET document = EXCLUDED.document;
"""

# Skills whose document an UPDATE of cells changed: a new description, or a
# cell moved from one skill to another (both skills).
CHANGED_CELL_SKILLS = """
    SELECT n.skill_id FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.description IS DISTINCT FROM o.description OR n.skill_id IS DISTINCT FROM o.skill_id
    UNION
    SELECT o.skill_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.skill_id IS DISTINCT FROM o.skill_id
"""

UPSERT_ROLE_SEARCH = """
INSERT INTO skills_rolesearch (role_id, document)
SELECT r.id,
    setweight(to_tsvector('english', coalesce(r.name, '')), 'A')
    || setweight(to_tsvector('english', coalesce(
        (SELECT string_agg(t.value ->> 'name', ' ') FROM jsonb_each(r.translations) t), ''
    )), 'A')
    || setweight(to_tsvector('english', coalesce(r.family, '') || ' ' || coalesce(r.tagline, '')), 'B')
FROM skills_role r
WHERE r.id IN ({ids})
ON CONFLICT (role_id) DO UPDATE SET document = EXCLUDED.document;
"""


@track
class Domain(Translated):
    TRANSLATED = ("name",)

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", Lower("name")]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.name


@track
class SkillGroup(Translated):
    TRANSLATED = ("name",)

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["domain__position", "position", Lower("name")]
        verbose_name = _("skill group")
        verbose_name_plural = _("skill groups")
        constraints = [
            models.UniqueConstraint(fields=["domain", "name"], name="skillgroup_unique_name_per_domain"),
        ]

    def __str__(self) -> str:
        return self.name


class SkillQuerySet(models.QuerySet):
    def with_taxonomy(self):
        return self.select_related("group__domain")

    def with_counts(self):
        return self.annotate(
            role_count=Count("expectations__role", distinct=True),
            level_count=Count("expectations__level", distinct=True),
            cell_count=Count("expectations", distinct=True),
            required_count=Count("expectations", filter=Q(expectations__required=True), distinct=True),
        )

    def with_cells(self):
        return self.prefetch_related(Prefetch("expectations", queryset=Expectation.objects.with_axes().order_by_axes()))


@track
@pgtrigger.register(
    pgtrigger.Trigger(
        name="skill_refresh_search",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf("name", "summary", "translations"),
        func=UPSERT_SKILL_SEARCH.format(ids="NEW.id") + "RETURN NULL;",
    ),
    pgtrigger.Trigger(
        name="skill_drop_search",
        when=pgtrigger.Before,
        operation=pgtrigger.Delete,
        func="DELETE FROM skills_skillsearch WHERE skill_id = OLD.id; RETURN OLD;",
    ),
)
class Skill(Translated):
    TRANSLATED = ("name", "summary")

    group = models.ForeignKey(SkillGroup, on_delete=models.PROTECT, related_name="skills")
    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # Kept by the database: today's date on insert, and the triggers on Expectation below on every change to
    # one of its expectations (an import that carries its own dates sets skillmatrix.preserve_updated).
    updated = models.DateField(
        _("last updated"),
        db_default=Cast(Now(), models.DateField()),
        editable=False,
        help_text=_("Shown as “Last updated”; set by the database on every change to one of its expectations."),
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("skills:skill", args=[self.slug])


# The name of the foreign key skills_role.family → skills_rolefamily.name (migration 0012), which Django cannot
# declare on a text column: a family in use is never deleted, and renaming one renames it on its roles.
ROLE_HAS_FAMILY = "role_family_fk"


@track
class RoleFamily(models.Model):
    """A family of roles ("ML & AI Engineering"): the admin offers these, so a role's family is never a typo.

    Roles name their family by its name (Role.family, the column the API, the search documents and the catalog
    file have always used), held by ROLE_HAS_FAMILY. A write that names a new family (an import, the bench
    generator) registers it through Role's trigger role_register_family.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = [Lower("name")]
        verbose_name = _("role family")
        verbose_name_plural = _("role families")

    def __str__(self) -> str:
        return self.name


@track
@pgtrigger.register(
    pgtrigger.Trigger(
        name="role_register_family",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf("family"),
        func="INSERT INTO skills_rolefamily (name) VALUES (NEW.family) ON CONFLICT (name) DO NOTHING; RETURN NEW;",
    ),
    pgtrigger.Trigger(
        name="role_refresh_search",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf("name", "family", "tagline", "translations"),
        func=UPSERT_ROLE_SEARCH.format(ids="NEW.id") + "RETURN NULL;",
    ),
    pgtrigger.Trigger(
        name="role_drop_search",
        when=pgtrigger.Before,
        operation=pgtrigger.Delete,
        func="DELETE FROM skills_rolesearch WHERE role_id = OLD.id; RETURN OLD;",
    ),
)
class Role(Translated):
    TRANSLATED = ("name", "family", "tagline")

    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    family = models.CharField(
        _("family"), max_length=120, db_index=True, help_text=_("One of the role families (add new ones there).")
    )
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)

    class Meta:
        ordering = [Lower("family"), Lower("name")]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("skills:role", args=[self.slug])


@track
class Level(Translated):
    TRANSLATED = ("name", "short")

    name = models.CharField(_("name"), max_length=60, unique=True)
    short = models.CharField(_("short name"), max_length=12, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    position = models.PositiveIntegerField(_("position"), unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self) -> str:
        return self.name


@track
class RoleLevel(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_levels")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="role_levels")
    stack = models.TextField(_("technology stack"), blank=True)
    focus = models.TextField(_("focus"), blank=True)

    class Meta:
        ordering = ["role", "level__position"]
        verbose_name = _("role level")
        verbose_name_plural = _("role levels")
        constraints = [
            models.UniqueConstraint(fields=["role", "level"], name="rolelevel_unique_role_level"),
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.level}"


class Proficiency(models.TextChoices):
    AWARENESS = "awareness", _("Awareness")
    WORKING = "working", _("Working")
    ADVANCED = "advanced", _("Advanced")
    EXPERT = "expert", _("Expert")


PROFICIENCY_ORDER = {value: rank for rank, value in enumerate(Proficiency.values, start=1)}


class ExpectationQuerySet(models.QuerySet):
    def with_axes(self):
        return self.select_related("role", "level")

    def order_by_axes(self):
        return self.order_by("level__position", "role__name")

    def for_skill(self, skill):
        return self.filter(skill=skill).with_axes().order_by_axes()


# The name of the foreign key (skills_expectation.role_id, level_id) → skills_rolelevel (migration 0009).
CELL_HAS_ROLE_LEVEL = "expectation_role_level_fk"
# A cell's content: a change to any of these bumps its version and its skill's "Last updated" (the triggers below).
CELL_CONTENT = ("description", "required", "proficiency")


TOUCH_SKILL = """
IF coalesce(current_setting('skillmatrix.preserve_updated', true), '') <> 'on' THEN
    UPDATE skills_skill SET updated = CURRENT_DATE
    WHERE id IN ({skill_ids}) AND updated IS DISTINCT FROM CURRENT_DATE;
END IF;
RETURN NULL;
"""


@track
@pgtrigger.register(
    # The version counts the changes to a cell's content, whatever wrote it.
    pgtrigger.Trigger(
        name="expectation_bump_version",
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange(*CELL_CONTENT),
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    ),
    # "Last updated" follows every change to a cell. An import that carries its
    # own dates sets skillmatrix.preserve_updated for its transaction.
    pgtrigger.Trigger(
        name="expectation_touch_skill_on_change",
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange(*CELL_CONTENT),
        func=TOUCH_SKILL.format(skill_ids="NEW.skill_id"),
    ),
    # A cell moved to another skill (a merge) changes both skills.
    pgtrigger.Trigger(
        name="expectation_touch_skills_on_move",
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange("skill"),
        func=TOUCH_SKILL.format(skill_ids="NEW.skill_id, OLD.skill_id"),
    ),
    # Per statement: a bulk insert of many cells touches each skill once.
    pgtrigger.Trigger(
        name="expectation_touch_skill_on_insert",
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(new="new_rows"),
        func=TOUCH_SKILL.format(skill_ids="SELECT DISTINCT skill_id FROM new_rows"),
    ),
    pgtrigger.Trigger(
        name="expectation_touch_skill_on_delete",
        when=pgtrigger.After,
        operation=pgtrigger.Delete,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(old="old_rows"),
        func=TOUCH_SKILL.format(skill_ids="SELECT DISTINCT skill_id FROM old_rows"),
    ),
    # The skill's search document holds its cells' descriptions. Per statement,
    # not per row: a bulk insert of thousands of cells rebuilds each skill's
    # document once. (Postgres allows transition tables on one event per trigger.)
    pgtrigger.Trigger(
        name="expectation_search_on_insert",
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(new="new_rows"),
        func=UPSERT_SKILL_SEARCH.format(ids="SELECT skill_id FROM new_rows") + "RETURN NULL;",
    ),
    pgtrigger.Trigger(
        name="expectation_search_on_update",
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
        func=UPSERT_SKILL_SEARCH.format(ids=CHANGED_CELL_SKILLS) + "RETURN NULL;",
    ),
    pgtrigger.Trigger(
        name="expectation_search_on_delete",
        when=pgtrigger.After,
        operation=pgtrigger.Delete,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(old="old_rows"),
        func=UPSERT_SKILL_SEARCH.format(ids="SELECT skill_id FROM old_rows") + "RETURN NULL;",
    ),
)
class Expectation(Translated):
    """One cell: what a role expects of a skill at a level.

    A cell's role has the cell's level: PostgreSQL holds it with a foreign key of (role, level) to
    RoleLevel (CELL_HAS_ROLE_LEVEL, added by migration 0009, which Django cannot declare). A role
    level that has cells can be neither deleted nor moved to another level.
    """

    TRANSLATED = ("description",)

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="expectations")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="expectations")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="expectations")
    description = models.TextField(_("description"), help_text=_("Markdown."))
    required = models.BooleanField(_("required"), default=False)
    proficiency = models.CharField(_("proficiency"), max_length=16, choices=Proficiency.choices)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ExpectationQuerySet.as_manager()

    class Meta:
        verbose_name = _("expectation")
        verbose_name_plural = _("expectations")
        constraints = [
            models.UniqueConstraint(fields=["skill", "role", "level"], name="expectation_unique_cell"),
            models.CheckConstraint(
                condition=Q(proficiency__in=Proficiency.values), name="expectation_valid_proficiency"
            ),
            models.CheckConstraint(condition=~Q(description=""), name="expectation_description_not_empty"),
            models.CheckConstraint(condition=Q(version__gte=1), name="expectation_version_positive"),
        ]
        indexes = [models.Index(fields=["role", "level"], name="expectation_role_level")]

    def __str__(self) -> str:
        return f"{self.skill} · {self.role} · {self.level}"

    def get_absolute_url(self) -> str:
        return reverse("skills:cell", args=[self.skill.slug, self.role.slug, self.level.slug])


class SkillSearch(models.Model):
    """A skill's full-text document. Written only by the triggers above, never by Django."""

    # Deleted by the skill's delete trigger, not by Django's cascade: Django
    # deletes the skill's cells first, and their trigger refreshes this row.
    skill = models.OneToOneField(Skill, on_delete=models.DO_NOTHING, primary_key=True, related_name="search")
    document = SearchVectorField()

    class Meta:
        indexes = [GinIndex(fields=["document"], name="skillsearch_document")]

    def __str__(self) -> str:
        return str(self.skill_id)


class RoleSearch(models.Model):
    """A role's full-text document. Written only by the trigger on Role, never by Django."""

    role = models.OneToOneField(Role, on_delete=models.DO_NOTHING, primary_key=True, related_name="search")
    document = SearchVectorField()

    class Meta:
        indexes = [GinIndex(fields=["document"], name="rolesearch_document")]

    def __str__(self) -> str:
        return str(self.role_id)


class Revision(models.Model):
    """One write statement's mark on a counter: "catalog" for the catalog tables, "community" for proposals,
    comments and watches, "names" and each skill page's own ("skill:<slug>", "talk:<slug>"), and others.

    Inserted by per-statement triggers (today's SQL: skills/revision_sql.py), never by Django. A counter
    reads as the sum of its weights and its greatest stamp; pages key their cached fragments
    and ETags on that (the skills.freshness package).
    """

    name = models.CharField(max_length=200)
    weight = models.BigIntegerField()
    stamp = models.BigIntegerField()
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} +{self.weight} @{self.stamp}"


class SkillRedirectQuerySet(models.QuerySet):
    def live(self, old_slug: str):
        """The redirect for a slug that no skill holds now (a new skill may take a merged skill's old address)."""
        return self.filter(old_slug=old_slug).exclude(old_slug__in=Skill.objects.values("slug")).select_related("skill")


@track
class SkillRedirect(models.Model):
    """The address of a skill merged into another: /skills/<old_slug>/… answers 301 to the skill it went into.

    Merges keep these rows pointing at the last skill of a chain (A into B, then B into C: A leads to C).
    """

    old_slug = models.SlugField(_("old slug"), max_length=160, unique=True)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="redirects", verbose_name=_("skill"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SkillRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_slug"]
        verbose_name = _("skill redirect")
        verbose_name_plural = _("skill redirects")

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.skill.slug}"


def slug_max_length(model: type[models.Model]) -> int:
    """The longest slug `model` stores: API inputs naming a row by slug refuse longer ones."""
    return model._meta.get_field("slug").max_length
