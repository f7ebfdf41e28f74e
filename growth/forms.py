from django import forms
from django.utils.translation import gettext_lazy as _

from skills import translations
from skills.models import Role


class PlanSettingsForm(forms.Form):
    """Role and current level, chosen among the roles given (with their role_levels prefetched).

    The choices are checked against the rows already loaded: no query is made
    with what the member typed, and a level the role lacks is a form error.
    """

    role = forms.ChoiceField(label=_("Your role"))
    level = forms.ChoiceField(label=_("Your current level"))

    def __init__(self, *args, roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = {role.slug: role for role in roles}
        levels = {rl.level.slug: rl.level for role in roles for rl in role.role_levels.all()}
        self.levels = dict(sorted(levels.items(), key=lambda item: item[1].position))
        self.fields["role"].choices = [("", _("Choose a role"))] + [
            (role.slug, translations.text(role, "name")) for role in roles
        ]
        self.fields["level"].choices = [("", _("Choose a level"))] + [
            (level.slug, translations.text(level, "name")) for level in self.levels.values()
        ]

    def levels_of(self, role: Role) -> list[str]:
        return [rl.level.slug for rl in role.role_levels.all()]

    def clean(self):
        data = super().clean()
        role, level = self.roles.get(data.get("role", "")), self.levels.get(data.get("level", ""))
        if role is None or level is None:
            return data
        if level.slug not in self.levels_of(role):
            names = ", ".join(translations.text(rl.level, "name") for rl in role.role_levels.all())
            self.add_error(
                "level",
                _("The role %(role)s has no level %(level)s. Its levels: %(levels)s.")
                % {"role": translations.text(role, "name"), "level": translations.text(level, "name"), "levels": names},
            )
            return data
        data["role_obj"], data["level_obj"] = role, level
        return data

    def role_options(self) -> list[dict]:
        """The role select's options with the slugs of each role's levels (the level filter script reads them)."""
        selected = self["role"].value()
        return [
            {
                "slug": role.slug,
                "name": translations.text(role, "name"),
                "levels": " ".join(self.levels_of(role)),
                "selected": role.slug == selected,
            }
            for role in self.roles.values()
        ]

    def level_options(self) -> list[dict]:
        selected = self["level"].value()
        return [
            {"slug": level.slug, "name": translations.text(level, "name"), "selected": level.slug == selected}
            for level in self.levels.values()
        ]
