from django import forms
from django.utils.translation import gettext_lazy as _

from skillmatrix.form_fields import StrictCharField, StrictSlugField, StrictURLField
from skills import translations
from skills.models import Level
from teams.models import EVIDENCE_URL_MAX_LENGTH, NOTE_MAX_LENGTH, TEAM_NAME_MAX_LENGTH

NONE_LEVEL = "none"


class TeamForm(forms.Form):
    name = StrictCharField(label=_("Team name"), max_length=TEAM_NAME_MAX_LENGTH)
    slug = StrictSlugField(
        label=_("Address"), max_length=TEAM_NAME_MAX_LENGTH, required=False, help_text=_("Optional; from the name.")
    )


class InviteForm(forms.Form):
    user = StrictCharField(label=_("Username or email"), max_length=254)


class AssessmentForm(forms.Form):
    """A level of the role (or none), with optional evidence; the choices are the levels already loaded."""

    level = forms.ChoiceField(label=_("Level whose expectation is met"))
    evidence_url = StrictURLField(
        label=_("Evidence link"), required=False, max_length=EVIDENCE_URL_MAX_LENGTH, assume_scheme="https"
    )
    note = StrictCharField(
        label=_("Note (Markdown)"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.slug: level for level in levels}
        self.fields["level"].choices = [(NONE_LEVEL, _("None yet"))] + [
            (lv.slug, translations.text(lv, "name")) for lv in levels
        ]

    def level_obj(self) -> Level | None:
        return self.levels.get(self.cleaned_data["level"])
