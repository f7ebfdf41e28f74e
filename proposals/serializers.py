"""Serializers of the community API: one input and one output shape per operation.

Inputs list their fields and only validate shape; the rules (who may, what the
catalog allows, stale versions) live in proposals.services.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from proposals import access, review_checks, selectors
from proposals.models import (
    HIDE_REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Proposal,
    ProposalChange,
    ProposalStatus,
    RejectReason,
)
from skillmatrix.exceptions import Conflict
from skillmatrix.serializer_fields import StrictCharField, StrictSlugField
from skills.models import Domain, Level, Proficiency, Role, Skill, SkillRedirect, slug_max_length
from skills.templatetags.markdown_tags import render_markdown

# --- Inputs ------------------------------------------------------------------------
# JSON bodies are typed: DRF's own fields would take 123 for "123", "yes" for true and "3" for 3.


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class CommentCreateIn(serializers.Serializer):
    body = StrictCharField(max_length=TEXT_MAX_LENGTH)


class CommentEditIn(serializers.Serializer):
    body = StrictCharField(max_length=TEXT_MAX_LENGTH)


class CommentHideIn(serializers.Serializer):
    reason = StrictCharField(max_length=HIDE_REASON_MAX_LENGTH)


class ProposalChangeIn(serializers.Serializer):
    role = StrictSlugField(max_length=slug_max_length(Role), help_text="Role slug.")
    level = StrictSlugField(max_length=slug_max_length(Level), help_text="Level slug.")
    description = StrictCharField(max_length=TEXT_MAX_LENGTH, help_text="Markdown.")
    required = StrictBooleanField()
    proficiency = serializers.ChoiceField(choices=Proficiency.choices)
    base_version = StrictIntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text="The cell version you edited (0 for a new cell). Omit to use the current version.",
    )


class _ChangesIn(serializers.Serializer):
    """Resolves the role and level slugs of all changes in two queries."""

    changes = ProposalChangeIn(many=True, allow_empty=False, max_length=100)

    def validate_changes(self, changes: list[dict]) -> list[dict]:
        roles = Role.objects.in_bulk({change["role"] for change in changes}, field_name="slug")
        levels = Level.objects.in_bulk({change["level"] for change in changes}, field_name="slug")
        errors, any_error = [], False
        for change in changes:
            error = {}
            if change["role"] not in roles:
                error["role"] = [_("No role with slug “%(slug)s”.") % {"slug": change["role"]}]
            if change["level"] not in levels:
                error["level"] = [_("No level with slug “%(slug)s”.") % {"slug": change["level"]}]
            errors.append(error)
            any_error = any_error or bool(error)
        if any_error:
            raise serializers.ValidationError(errors)
        return [{**change, "role": roles[change["role"]], "level": levels[change["level"]]} for change in changes]


class ProposalCreateIn(_ChangesIn):
    skill = StrictSlugField(max_length=slug_max_length(Skill), help_text="Skill slug.")
    rationale = StrictCharField(max_length=TEXT_MAX_LENGTH)

    def validate_skill(self, slug: str) -> Skill:
        skill = Skill.objects.filter(slug=slug).first()
        if skill is None:
            merged = SkillRedirect.objects.live(slug).first()
            if merged is not None:
                # Merged away (perhaps while the member wrote): the changes were written against cells that moved.
                raise Conflict(
                    _("%(skill)s was merged into %(target)s while you wrote; suggest your change there.")
                    % {"skill": slug, "target": merged.skill.name}
                )
            raise serializers.ValidationError(_("No skill with slug “%(slug)s”.") % {"slug": slug})
        return skill


class ProposalUpdateIn(_ChangesIn):
    rationale = StrictCharField(max_length=TEXT_MAX_LENGTH, required=False)


def _revision_in() -> StrictIntegerField:
    return StrictIntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The proposal's `revision` you reviewed. If the author edited the proposal since, nothing is "
        "done: 409 with what changed. Send it: without it, the decision applies to whatever the proposal says now.",
    )


def _note_in(help_text: str) -> StrictCharField:
    return StrictCharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", help_text=help_text
    )


class ProposalApproveIn(serializers.Serializer):
    revision = _revision_in()
    note = _note_in("Optional. Your note on the approval, kept with the decision and shown on the proposal. Markdown.")


class ProposalUndoIn(serializers.Serializer):
    note = _note_in("Optional. Why the approval is undone, shown on the proposal. Markdown.")


class ProposalRejectIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    note = StrictCharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")
    revision = _revision_in()


class ProposalFilterIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProposalStatus.choices, required=False)
    skill = StrictSlugField(max_length=slug_max_length(Skill), required=False)
    domain = StrictSlugField(max_length=slug_max_length(Domain), required=False)


# --- Outputs -----------------------------------------------------------------------


class CommentOut(serializers.Serializer):
    """A comment as its reader may see it. The fields document the shape (OpenAPI); to_representation fills it.

    Fast path for DRF's Serializer.to_representation, which deep-copies the declared fields for
    every instance, then calls each: on the path of every comment posted and 20 times per page
    of a list. to_representation builds the same dict directly; tests/proposals/test_serializers.py
    compares the two.
    """

    id = serializers.IntegerField(read_only=True)
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField(help_text="The body rendered from Markdown and sanitized.")
    created = serializers.DateTimeField(read_only=True)
    edited = serializers.DateTimeField(read_only=True, allow_null=True)
    hidden = serializers.BooleanField(read_only=True)
    hidden_by = serializers.SerializerMethodField()
    hidden_reason = serializers.CharField(read_only=True)
    can_edit = serializers.SerializerMethodField()
    can_delete = serializers.SerializerMethodField()

    def to_representation(self, comment) -> dict:
        return {
            "id": comment.pk,
            "author": self.get_author(comment),
            "body": self.get_body(comment),
            "body_html": self.get_body_html(comment),
            "created": _DATETIME.to_representation(comment.created),
            "edited": _DATETIME.to_representation(comment.edited) if comment.edited else None,
            "hidden": comment.hidden,
            "hidden_by": self.get_hidden_by(comment),
            "hidden_reason": comment.hidden_reason,
            "can_edit": self.get_can_edit(comment),
            "can_delete": self.get_can_delete(comment),
        }

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _shown(self, comment) -> bool:
        user = self._user()
        return user is not None and access.can_see_comment(user, comment)

    def get_author(self, comment) -> str:
        return comment.author.get_username()

    def get_body(self, comment) -> str:
        return comment.body if self._shown(comment) else ""

    def get_body_html(self, comment) -> str:
        return str(render_markdown(comment.body)) if self._shown(comment) else ""

    def get_hidden_by(self, comment) -> str | None:
        return comment.hidden_by.get_username() if comment.hidden_by_id else None

    def get_can_edit(self, comment) -> bool:
        user = self._user()
        return user is not None and access.can_edit_comment(user, comment)

    def get_can_delete(self, comment) -> bool:
        user = self._user()
        return user is not None and access.can_delete_comment(user, comment)


# Formats dates as the declared DateTimeFields do (settings' format, current time zone); used unbound.
_DATETIME = serializers.DateTimeField()
PROPOSAL_URL_NAME = "community-api:proposal-detail"


def _datetime(value) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def _change(change, *, current: bool) -> dict:
    """ProposalChangeOut's dict (with ProposalChangeDetailOut's "current" when `current`), built by hand: see
    ProposalOut."""
    data = {
        "role": change.role.slug,
        "level": change.level.slug,
        "description": change.description,
        "required": change.required,
        "proficiency": change.proficiency,
        "base_version": change.base_version,
        "current_version": change.current_version,
        "stale": change.current_version != change.base_version,
    }
    if current:
        data["current"] = (
            None
            if change.current_description is None
            else {
                "description": change.current_description,
                "required": change.current_required,
                "proficiency": change.current_proficiency,
            }
        )
    return data


class ProposalChangeOut(serializers.ModelSerializer):
    role = serializers.CharField(source="role.slug")
    level = serializers.CharField(source="level.slug")
    current_version = serializers.IntegerField(help_text="The target cell's version now; 0 if it does not exist.")
    stale = serializers.SerializerMethodField(help_text="The cell changed since the proposal was written.")

    class Meta:
        model = ProposalChange
        fields = ["role", "level", "description", "required", "proficiency", "base_version", "current_version", "stale"]

    def get_stale(self, change) -> bool:
        return change.current_version != change.base_version


class CurrentCellOut(serializers.Serializer):
    description = serializers.CharField()
    required = serializers.BooleanField()
    proficiency = serializers.CharField()


class _ChangesAtHand(serializers.ListSerializer):
    """A proposal's changes: those the context gives ("changes", e.g. as an approval just applied them, with their
    cells), else the proposal's own (proposal_detail()'s prefetch)."""

    def get_attribute(self, instance):
        changes = self.context.get("changes")
        return super().get_attribute(instance) if changes is None else changes


class ProposalChangeDetailOut(ProposalChangeOut):
    current = serializers.SerializerMethodField(help_text="The target cell as it is now; null for a new cell.")

    class Meta(ProposalChangeOut.Meta):
        fields = [*ProposalChangeOut.Meta.fields, "current"]
        list_serializer_class = _ChangesAtHand

    @extend_schema_field(CurrentCellOut(allow_null=True))
    def get_current(self, change) -> dict | None:
        if change.current_description is None:
            return None
        return {
            "description": change.current_description,
            "required": change.current_required,
            "proficiency": change.current_proficiency,
        }


# A proposal. The fields document the shape (OpenAPI; a docstring would become its description); to_representation
# fills it. Fast path for ModelSerializer.to_representation, as CommentOut's: DRF builds every declared and model
# field for each serializer (the model introspected each time), then calls each field, and each change's in turn;
# on the path of every approval's answer and 20 times per page of a list. to_representation builds the same dict
# directly; tests/proposals/test_proposal_serializers.py compares the two.
class ProposalOut(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=PROPOSAL_URL_NAME)
    skill = serializers.CharField(source="skill.slug")
    skill_name = serializers.CharField(source="skill.name")
    domain = serializers.CharField(source="skill.group.domain.slug")
    author = serializers.CharField(source="author.get_username")
    decided_by = serializers.SerializerMethodField()
    reverted_by = serializers.SerializerMethodField(help_text="Who undid the approval (status `reverted`).")
    changes = ProposalChangeOut(many=True)
    comment_count = serializers.IntegerField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "url",
            "skill",
            "skill_name",
            "domain",
            "author",
            "status",
            "rationale",
            "created",
            "updated",
            "decided_by",
            "decided_at",
            "reason",
            "decision_note",
            "reverted_by",
            "reverted_at",
            "revert_note",
            "revision",
            "changes",
            "comment_count",
        ]
        extra_kwargs = {
            "revision": {"help_text": "Raised by every edit; send it with a decision (approve, reject)."},
            "decision_note": {"help_text": "The reviewer's note on the approval or the rejection."},
            "reverted_at": {"help_text": "When the approval was undone (status `reverted`)."},
            "revert_note": {"help_text": "Why the approval was undone, if the reviewer said."},
        }

    def get_decided_by(self, proposal) -> str | None:
        return proposal.decided_by.get_username() if proposal.decided_by_id else None

    def get_reverted_by(self, proposal) -> str | None:
        return proposal.reverted_by.get_username() if proposal.reverted_by_id else None

    detail = False  # ProposalDetailOut: each change with its "current" cell, and the warnings

    def to_representation(self, proposal) -> dict:
        data = {
            "id": proposal.pk,
            "url": reverse(PROPOSAL_URL_NAME, kwargs={"pk": proposal.pk}, request=self.context.get("request")),
            "skill": proposal.skill.slug,
            "skill_name": proposal.skill.name,
            "domain": proposal.skill.group.domain.slug,
            "author": proposal.author.get_username(),
            "status": proposal.status,
            "rationale": proposal.rationale,
            "created": _datetime(proposal.created),
            "updated": _datetime(proposal.updated),
            "decided_by": self.get_decided_by(proposal),
            "decided_at": _datetime(proposal.decided_at),
            "reason": proposal.reason,
            "decision_note": proposal.decision_note,
            "reverted_by": self.get_reverted_by(proposal),
            "reverted_at": _datetime(proposal.reverted_at),
            "revert_note": proposal.revert_note,
            "revision": proposal.revision,
            "changes": [_change(change, current=self.detail) for change in self._changes(proposal)],
            "comment_count": proposal.comment_count,
        }
        if self.detail:
            data["warnings"] = self.get_warnings(proposal)
        return data

    def _changes(self, proposal):
        return proposal.changes.all()


class ReviewWarningOut(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[code.value for code in review_checks.Code], help_text="Which check: see proposals/review_checks.py."
    )
    role = serializers.CharField(source="role.slug", help_text="Role slug of the changed cell it concerns.")
    level = serializers.CharField(source="level.slug", help_text="Level slug of the changed cell it concerns.")
    message = serializers.CharField(help_text="What the check found, in the request's language.")


class ProposalDetailOut(ProposalOut):
    changes = ProposalChangeDetailOut(many=True)
    warnings = serializers.SerializerMethodField(
        help_text="Checks of an open proposal against the catalog now (descriptions identical or nearly identical "
        "to a neighbour's, empty or very short; proficiency falling as the level rises; required at one level but "
        "not the next). They inform the review and never block it. Empty once the proposal is decided."
    )

    class Meta(ProposalOut.Meta):
        fields = [*ProposalOut.Meta.fields, "warnings"]

    detail = True

    def _changes(self, proposal):
        changes = self.context.get("changes")  # as _ChangesAtHand takes them
        return proposal.changes.all() if changes is None else changes

    @extend_schema_field(ReviewWarningOut(many=True))
    def get_warnings(self, proposal) -> list[dict]:
        return ReviewWarningOut(selectors.proposal_warnings(proposal=proposal), many=True).data


class CellConflictOut(serializers.Serializer):
    role = serializers.CharField()
    level = serializers.CharField()
    base_version = serializers.IntegerField()
    current_version = serializers.IntegerField()


class ConflictOut(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = CellConflictOut(many=True)


class ProposedCellOut(serializers.Serializer):
    role = serializers.CharField()
    level = serializers.CharField()
    description = serializers.CharField()
    required = serializers.BooleanField()
    proficiency = serializers.CharField()


class CellEditOut(serializers.Serializer):
    role = serializers.CharField()
    level = serializers.CharField()
    seen = CurrentCellOut(allow_null=True, help_text="As proposed in the revision you read; null: not proposed then.")
    now = CurrentCellOut(allow_null=True, help_text="As proposed now; null: no longer proposed.")


class RationaleEditOut(serializers.Serializer):
    seen = serializers.CharField()
    now = serializers.CharField()


class DecisionConflictOut(ConflictOut):
    """A 409 on a decision. When the proposal was edited after the revision you sent, the fields below say how."""

    revision = serializers.IntegerField(required=False, help_text="The proposal's revision now.")
    seen_revision = serializers.IntegerField(required=False, help_text="The revision you sent.")
    rationale = RationaleEditOut(required=False, allow_null=True, help_text="Null when the rationale is unchanged.")
    edits = CellEditOut(
        many=True,
        required=False,
        help_text="The cells whose proposed content changed since the revision you sent (empty if it is unknown).",
    )
    changes = ProposedCellOut(many=True, required=False, help_text="Every change the proposal makes now.")


class WatchOut(serializers.Serializer):
    watching = serializers.BooleanField()
    watchers = serializers.IntegerField()


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()
