import pghistory
import pgtrigger
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


# Every catalog table is tracked by database triggers: inserts, updates and
# deletes from any code path (admin, import, approval, raw SQL) land in the
# audit trail, with the context (user, source) that the caller attached.
def track(model):
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())(model)


@track
class Domain(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.name


@track
class SkillGroup(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["domain__position", "position", "name"]
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
class Skill(models.Model):
    group = models.ForeignKey(SkillGroup, on_delete=models.PROTECT, related_name="skills")
    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateField(
        _("last updated"), help_text=_("Shown as “Last updated”; set on every change to a cell.")
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("skills:skill", args=[self.slug])


@track
class Role(models.Model):
    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    family = models.CharField(_("family"), max_length=120, db_index=True)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)

    class Meta:
        ordering = ["family", "name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("skills:role", args=[self.slug])


@track
class Level(models.Model):
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

    def for_role(self, role):
        return self.filter(role=role).select_related("level", "skill__group__domain")

    def for_skill(self, skill):
        return self.filter(skill=skill).with_axes().order_by_axes()


TOUCH_SKILL = """
IF coalesce(current_setting('skillmatrix.preserve_updated', true), '') <> 'on' THEN
    UPDATE skills_skill SET updated = CURRENT_DATE
    WHERE id = COALESCE(NEW.skill_id, OLD.skill_id) AND updated IS DISTINCT FROM CURRENT_DATE;
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
        condition=pgtrigger.AnyChange("description", "required", "proficiency"),
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    ),
    # "Last updated" follows every change to a cell. An import that carries its
    # own dates sets skillmatrix.preserve_updated for its transaction.
    pgtrigger.Trigger(
        name="expectation_touch_skill_on_change",
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange("description", "required", "proficiency"),
        func=TOUCH_SKILL,
    ),
    pgtrigger.Trigger(
        name="expectation_touch_skill_on_insert_delete",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Delete,
        func=TOUCH_SKILL,
    ),
)
class Expectation(models.Model):
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
