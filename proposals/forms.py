"""Forms of the community pages. They check the shape of the input; the rules live in proposals.services."""

import hashlib
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from proposals.models import HIDE_REASON_MAX_LENGTH, TEXT_MAX_LENGTH, ProposalStatus, RejectReason
from proposals.selectors import CellSlot
from proposals.services import ChangeInput
from skillmatrix.form_fields import StrictCharField
from skills.models import Expectation, Proficiency


def normalize_text(text: str) -> str:
    # Browsers send textarea line breaks as CRLF; the catalog stores LF.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def cell_digest(description: str, required: bool, proficiency: str) -> str:
    """A fingerprint of a cell's content as the form showed it, to tell what the member actually changed."""
    text = "\x1f".join([normalize_text(description), "1" if required else "0", proficiency])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _shown(cell: Expectation | None) -> tuple[str, bool, str]:
    return (cell.description, cell.required, cell.proficiency) if cell else ("", False, "")


@dataclass
class SlotFields:
    """A slot with its bound fields, as the template renders them."""

    slot: CellSlot
    description: forms.BoundField
    required: forms.BoundField
    proficiency: forms.BoundField
    version: forms.BoundField
    original: forms.BoundField
    changed: bool = False
    focused: bool = False
    warnings: list = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.description.errors or self.proficiency.errors or self.required.errors)


class SuggestForm(forms.Form):
    """Every cell of a skill as editable fields; only the cells whose content differs from what was shown count."""

    rationale = StrictCharField(
        label=_("Rationale"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why should the catalog change? Sources and examples help reviewers. Markdown."),
    )

    def __init__(self, *args, slots: list[CellSlot], focus: CellSlot | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        self.focus = focus
        # Set by the view's "Check" step: proposals.review_checks.ReviewWarning, shown with their cells.
        self.review_warnings = []
        for slot in slots:
            description, required, proficiency = _shown(slot.cell)
            prefix = slot.prefix
            label = f"{slot.role} · {slot.level}"
            self.fields[f"{prefix}-description"] = StrictCharField(
                label=_("Description of %(expectation)s") % {"expectation": label},
                required=False,
                max_length=TEXT_MAX_LENGTH,
                initial=description,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"{prefix}-required"] = forms.BooleanField(
                label=_("Required at this level"), required=False, initial=required
            )
            choices = Proficiency.choices if slot.cell else [("", _("Choose…")), *Proficiency.choices]
            self.fields[f"{prefix}-proficiency"] = forms.ChoiceField(
                label=_("Proficiency"), choices=choices, required=False, initial=proficiency
            )
            self.fields[f"{prefix}-version"] = forms.IntegerField(
                min_value=0,
                max_value=2**31 - 1,
                initial=slot.cell.version if slot.cell else 0,
                widget=forms.HiddenInput,
            )
            self.fields[f"{prefix}-original"] = StrictCharField(
                max_length=16, initial=cell_digest(description, required, proficiency), widget=forms.HiddenInput
            )
            if focus is not None and slot.prefix == focus.prefix:
                self.fields[f"{prefix}-description"].widget.attrs["autofocus"] = True

    def rows(self) -> list[SlotFields]:
        rows = []
        for slot in self.slots:
            prefix = slot.prefix
            row = SlotFields(
                slot=slot,
                description=self[f"{prefix}-description"],
                required=self[f"{prefix}-required"],
                proficiency=self[f"{prefix}-proficiency"],
                version=self[f"{prefix}-version"],
                original=self[f"{prefix}-original"],
                focused=self.focus is not None and prefix == self.focus.prefix,
            )
            row.changed = self.is_bound and prefix in getattr(self, "changed_prefixes", set())
            row.warnings = [w for w in self.review_warnings if (w.role.pk, w.level.pk) == (slot.role.pk, slot.level.pk)]
            rows.append(row)
        return rows

    def clean(self):
        cleaned = super().clean()
        self.changed_prefixes = set()
        self.changes: list[ChangeInput] = []
        for slot in self.slots:
            prefix = slot.prefix
            if any(f"{prefix}-{name}" in self.errors for name in ("description", "version", "original")):
                self.changed_prefixes.add(prefix)
                continue
            description = normalize_text(cleaned.get(f"{prefix}-description"))
            required = bool(cleaned.get(f"{prefix}-required"))
            proficiency = cleaned.get(f"{prefix}-proficiency") or ""
            if cell_digest(description, required, proficiency) == cleaned.get(f"{prefix}-original"):
                continue
            self.changed_prefixes.add(prefix)
            if not description:
                self.add_error(f"{prefix}-description", _("Write the description (it cannot be empty)."))
            if not proficiency:
                self.add_error(f"{prefix}-proficiency", _("Choose a proficiency."))
            if description and proficiency:
                self.changes.append(
                    ChangeInput(
                        role=slot.role,
                        level=slot.level,
                        description=description,
                        required=required,
                        proficiency=proficiency,
                        base_version=cleaned.get(f"{prefix}-version"),
                    )
                )
        if not self.changed_prefixes and not self.errors:
            raise ValidationError(
                _("Change at least one expectation: its text, whether it is required, or its proficiency.")
            )
        return cleaned

    def refresh_slots(self, slots: list[CellSlot], prefixes: set[str]) -> None:
        """After a conflict: show the cells as they are now and take their new versions, keeping the member's text."""
        by_prefix = {slot.prefix: slot for slot in slots}
        data = self.data.copy()
        for prefix in prefixes:
            slot = by_prefix.get(prefix)
            if slot is None:
                continue
            description, required, proficiency = _shown(slot.cell)
            data[f"{prefix}-version"] = str(slot.cell.version if slot.cell else 0)
            data[f"{prefix}-original"] = cell_digest(description, required, proficiency)
        self.data = data
        self.slots = [by_prefix.get(slot.prefix, slot) for slot in self.slots]


def _revision_field() -> forms.IntegerField:
    # The revision the page showed; the template writes it (proposal.revision), the services compare it.
    return forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class ApproveForm(forms.Form):
    """Approving takes two posts: the first shows what will be applied, the second (with confirm) applies it."""

    revision = _revision_field()
    note = StrictCharField(
        label=_("Note (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the decision and shown on the proposal. Markdown."),
    )
    # Sent by the confirmation's own button only.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # The proposal page holds this form beside the rejection's, which has a note too.
        super().__init__(*args, auto_id="id_approve_%s", **kwargs)


class UndoForm(forms.Form):
    note = StrictCharField(
        label=_("Why undo it? (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the proposal. Markdown."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_undo_%s", **kwargs)


class RebaseForm(forms.Form):
    keep = forms.BooleanField(
        label=_("I have read what changed since, and my proposal keeps it."),
        error_messages={"required": _("Confirm that your proposal keeps what changed since, or withdraw it.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_rebase_%s", **kwargs)


class RejectForm(forms.Form):
    revision = _revision_field()
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("Choose a reason…")), *RejectReason.choices])
    note = StrictCharField(
        label=_("Note to the author"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the reason is “Other”."),
    )


class CommentForm(forms.Form):
    body = StrictCharField(
        label=_("Your comment"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: *emphasis*, **bold**, `code`, lists and links."),
    )


class HideForm(forms.Form):
    reason = StrictCharField(label=_("Reason for hiding"), max_length=HIDE_REASON_MAX_LENGTH)


class ProposalFilterForm(forms.Form):
    """The GET filters of /proposals/; choices come from the catalog so unknown values are refused."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ProposalStatus.choices]
    )
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    skill = forms.ChoiceField(label=_("Skill"), required=False)

    def __init__(self, *args, skills, **kwargs):
        super().__init__(*args, **kwargs)
        domains: dict[str, str] = {}
        by_domain: dict[str, list[tuple[str, str]]] = {}
        for skill in skills:
            domain = skill.group.domain
            domains.setdefault(domain.slug, domain.name)
            by_domain.setdefault(domain.name, []).append((skill.slug, skill.name))
        self.fields["domain"].choices = [("", _("Any domain")), *domains.items()]
        self.fields["skill"].choices = [("", _("Any skill")), *by_domain.items()]
