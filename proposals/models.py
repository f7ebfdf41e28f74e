"""Community: proposals to change catalog cells, comments, watches.

A comment deleted by its author is deleted for real (hard delete): nothing
refers to a comment, and the author asked for the text to be gone. A comment
hidden by a reviewer keeps its row, with who hid it and why, so the decision
can itself be reviewed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from skills.models import Expectation, Level, Proficiency, Role, Skill

TEXT_MAX_LENGTH = 5000  # a comment's body, a proposal's rationale, a cell's description, a note
HIDE_REASON_MAX_LENGTH = 500


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Approved, then undone within proposals.access.UNDO_WINDOW: its cells were put back as they were before.
    # Closed for good, like a rejection; the author may suggest the change again.
    REVERTED = "reverted", _("Reverted")


class RejectReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    UNCLEAR = "unclear", _("Unclear")
    INCORRECT = "incorrect", _("Incorrect")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    OTHER = "other", _("Other")


def _count(queryset, field: str):
    """A correlated COUNT subquery: counts without multiplying the outer rows."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")[:1]), 0)


class ProposalChangeQuerySet(models.QuerySet):
    def with_axes(self):
        return self.select_related("role", "level").order_by("level__position", "role__name")

    def with_current_cells(self):
        """The cell each change targets, as it is now (version 0 and no text when it does not exist)."""
        cell = Expectation.objects.filter(
            skill_id=OuterRef("proposal__skill_id"), role_id=OuterRef("role_id"), level_id=OuterRef("level_id")
        )
        return self.annotate(
            current_version=Coalesce(Subquery(cell.values("version")[:1]), 0),
            current_description=Subquery(cell.values("description")[:1]),
            current_required=Subquery(cell.values("required")[:1]),
            current_proficiency=Subquery(cell.values("proficiency")[:1]),
        )


class ProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ProposalStatus.OPEN)

    def for_skill(self, skill: Skill):
        return self.filter(skill=skill)

    def for_cell(self, cell: Expectation):
        return self.filter(skill_id=cell.skill_id, changes__role_id=cell.role_id, changes__level_id=cell.level_id)

    def newest_first(self):
        return self.order_by("-created", "-pk")

    def with_summary(self):
        """What a list of proposals shows: skill, people, and counts of changes and visible comments."""
        return self.select_related("author", "decided_by", "reverted_by", "skill__group__domain").annotate(
            change_count=_count(ProposalChange.objects.all(), "proposal"),
            comment_count=_count(Comment.objects.visible(), "proposal"),
        )

    def with_changes(self):
        changes = ProposalChange.objects.with_axes().with_current_cells()
        return self.prefetch_related(Prefetch("changes", queryset=changes))


class Proposal(models.Model):
    # Indexed by the indexes in Meta, which begin with these columns (see Comment).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("author"),
        db_index=False,
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("skill"), db_index=False
    )
    rationale = models.TextField(_("rationale"), help_text=_("Why the catalog should change. Markdown."))
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN, db_index=True
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_proposals",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=RejectReason.choices, blank=True)
    # The reviewer's note on an approval or a rejection.
    decision_note = models.TextField(_("decision note"), blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval undone by"),
        db_index=False,
    )
    reverted_at = models.DateTimeField(_("approval undone at"), null=True, blank=True)
    revert_note = models.TextField(_("note on the undo"), blank=True)
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        help_text=_("Raised by every edit of the changes or the rationale: a decision names the revision it read."),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="proposal_valid_status"),
            models.CheckConstraint(
                condition=Q(reason="") | Q(reason__in=RejectReason.values), name="proposal_valid_reason"
            ),
            # A rejection always says why; nothing else carries a reason code.
            models.CheckConstraint(
                condition=(Q(status=ProposalStatus.REJECTED) & ~Q(reason=""))
                | (~Q(status=ProposalStatus.REJECTED) & Q(reason="")),
                name="proposal_reason_iff_rejected",
            ),
            # Open proposals have no decision yet; every closed one records when it closed.
            models.CheckConstraint(
                condition=(Q(status=ProposalStatus.OPEN) & Q(decided_at__isnull=True))
                | (~Q(status=ProposalStatus.OPEN) & Q(decided_at__isnull=False)),
                name="proposal_decided_iff_closed",
            ),
            # Only a reverted proposal says when (and perhaps why) its approval was undone.
            models.CheckConstraint(
                condition=(Q(status=ProposalStatus.REVERTED) & Q(reverted_at__isnull=False))
                | (
                    ~Q(status=ProposalStatus.REVERTED)
                    & Q(reverted_at__isnull=True, reverted_by__isnull=True, revert_note="")
                ),
                name="proposal_reverted_iff_undone",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="proposal_rationale_not_empty"),
            models.CheckConstraint(condition=Q(revision__gte=1), name="proposal_revision_positive"),
        ]
        indexes = [
            models.Index(fields=["skill", "status"], name="proposal_skill_status"),
            # A member's recent proposals: the proposal rate limit (proposals.throttling).
            models.Index(fields=["author", "created"], name="proposal_author_created"),
            # Undone approvals only: deleting a reviewer clears their name from the undos they made.
            models.Index(fields=["reverted_by"], name="proposal_reverted_by", condition=Q(reverted_by__isnull=False)),
        ]

    def __str__(self) -> str:
        return _("Proposal #%(id)s for %(skill)s") % {"id": self.pk, "skill": self.skill}

    def get_absolute_url(self) -> str:
        # The page comes with the proposal pages; its path is fixed by DESIGN section 3.
        return f"/proposals/{self.pk}/"

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.OPEN

    @property
    def is_approved(self) -> bool:
        return self.status == ProposalStatus.APPROVED


class ProposalChange(models.Model):
    """The new content of one cell. base_version 0 means the cell did not exist when the change was written.

    The base_* fields keep the cell as it read at base_version (null for a new cell, or where it is not on
    record): what the change replaces, what undoing its approval puts back, and what a rebase shows the author
    of the change that moved the cell since.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="changes", verbose_name=_("proposal"))
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+", verbose_name=_("role"))
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+", verbose_name=_("level"))
    description = models.TextField(_("description"), help_text=_("Markdown."))
    required = models.BooleanField(_("required"), default=False)
    proficiency = models.CharField(_("proficiency"), max_length=16, choices=Proficiency.choices)
    base_version = models.PositiveIntegerField(
        _("base version"),
        default=0,
        help_text=_("The version of the expectation this change was written against; 0 for a new one."),
    )
    base_description = models.TextField(_("description it replaces"), null=True, blank=True)
    base_required = models.BooleanField(_("required flag it replaces"), null=True, blank=True)
    base_proficiency = models.CharField(
        _("proficiency it replaces"), max_length=16, choices=Proficiency.choices, null=True, blank=True
    )

    objects = ProposalChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "role", "level"], name="proposalchange_unique_cell"),
            models.CheckConstraint(
                condition=Q(proficiency__in=Proficiency.values), name="proposalchange_valid_proficiency"
            ),
            models.CheckConstraint(condition=~Q(description=""), name="proposalchange_description_not_empty"),
            models.CheckConstraint(condition=Q(base_version__gte=0), name="proposalchange_base_version_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.level}"

    def show_cell(self, cell: Expectation | None) -> None:
        """Set the target cell as with_current_cells reads it, from a cell at hand (one just written)."""
        self.current_version = cell.version if cell else 0
        self.current_description = cell.description if cell else None
        self.current_required = cell.required if cell else None
        self.current_proficiency = cell.proficiency if cell else None

    @property
    def has_base_text(self) -> bool:
        return self.base_description is not None and self.base_required is not None and bool(self.base_proficiency)


class ProposalRevision(models.Model):
    """A proposal as it read at one revision, kept when its author edited it.

    The current revision lives on the proposal itself; these rows let a reviewer who read
    an older one see what changed since (proposals.revisions).
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="past_revisions", verbose_name=_("proposal"), db_index=False
    )
    number = models.PositiveIntegerField(_("number"))
    rationale = models.TextField(_("rationale"))
    # [{"role": id, "level": id, "description": str, "required": bool, "proficiency": str}, ...]
    changes = models.JSONField(_("changes"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("past revision of a proposal")
        verbose_name_plural = _("past revisions of proposals")
        constraints = [
            # Also the index of the foreign key, which it begins with.
            models.UniqueConstraint(fields=["proposal", "number"], name="proposalrevision_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="proposalrevision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.proposal_id} r{self.number}"


class CommentQuerySet(models.QuerySet):
    def for_skill(self, skill: Skill):
        return self.filter(skill=skill)

    def for_proposal(self, proposal: Proposal):
        return self.filter(proposal=proposal)

    def visible(self):
        return self.filter(hidden=False)

    def with_people(self):
        return self.select_related("author", "hidden_by")

    def in_order(self):
        return self.order_by("created", "pk")


class Comment(models.Model):
    # One target, skill or proposal; the check constraint below allows exactly one.
    # The foreign keys are indexed by the indexes in Meta, which begin with them, and by nothing else. A
    # comment is the most frequent write there is, and every index is written on every post. And with
    # an index on author alone beside (author, created), the planner could take the former for the rate
    # limit's query, which then read every comment the member ever wrote, on every post.
    skill = models.ForeignKey(
        Skill,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("skill"),
        db_index=False,
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("proposal"),
        db_index=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("author"),
        db_index=False,
    )
    body = models.TextField(_("body"), help_text=_("Markdown."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    edited = models.DateTimeField(_("edited"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
        db_index=False,
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=HIDE_REASON_MAX_LENGTH, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(skill__isnull=False, proposal__isnull=True) | Q(skill__isnull=True, proposal__isnull=False),
                name="comment_exactly_one_target",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length(F("body")), TEXT_MAX_LENGTH), name="comment_body_max_length"
            ),
            models.CheckConstraint(
                condition=Q(hidden=False, hidden_reason="", hidden_at__isnull=True)
                | (Q(hidden=True, hidden_at__isnull=False) & ~Q(hidden_reason="")),
                name="comment_hidden_with_reason",
            ),
        ]
        indexes = [
            # A comment is on a skill or on a proposal: each index holds only the comments it can find.
            models.Index(fields=["skill", "created"], name="comment_skill_created", condition=Q(skill__isnull=False)),
            models.Index(
                fields=["proposal", "created"], name="comment_proposal_created", condition=Q(proposal__isnull=False)
            ),
            # A member's recent comments: the comment rate limit (proposals.throttling).
            models.Index(fields=["author", "created"], name="comment_author_created"),
            # Hidden comments only: deleting a reviewer clears their name from the comments they hid.
            models.Index(fields=["hidden_by"], name="comment_hidden_by", condition=Q(hidden_by__isnull=False)),
        ]

    def __str__(self) -> str:
        return _("Comment #%(id)s by %(author)s") % {"id": self.pk, "author": self.author}


class Watch(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches", verbose_name=_("user")
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="watches", verbose_name=_("skill"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [models.UniqueConstraint(fields=["user", "skill"], name="watch_unique_user_skill")]

    def __str__(self) -> str:
        return f"{self.user} · {self.skill}"
