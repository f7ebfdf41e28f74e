"""GET forms of the catalog pages. Choices come from the catalog, so an unknown slug is refused, never looked up."""

from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from skills.models import Level, Role


class PairForm(forms.Form):
    """Two choices out of one list, to put side by side.

    Either may still be empty ("not chosen yet": the page explains and keeps
    the other); a value that is not one of the choices makes the form invalid.
    """

    names: tuple[str, str] = ("a", "b")

    def __init__(self, *args, choices, labels: tuple[str, str], prompt: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in zip(self.names, labels, strict=True):
            self.fields[name] = forms.ChoiceField(label=label, required=False, choices=[("", prompt), *choices])

    @property
    def complete(self) -> bool:
        return self.is_valid() and all(self.cleaned_data[name] for name in self.names)

    @property
    def identical(self) -> bool:
        return self.complete and self.cleaned_data[self.names[0]] == self.cleaned_data[self.names[1]]

    def chosen(self) -> tuple[str, str]:
        return self.cleaned_data[self.names[0]], self.cleaned_data[self.names[1]]


class RolePairForm(PairForm):
    names = ("role_a", "role_b")


def role_choices(roles: list[Role]) -> list:
    """Roles grouped by family, as the roles page groups them."""
    ordered = sorted(roles, key=lambda role: (role.family, role.name))
    return [
        (family, [(role.slug, role.name) for role in members])
        for family, members in groupby(ordered, key=lambda role: role.family)
    ]


def level_pair_form(data, *, levels: list[Level]) -> PairForm:
    return PairForm(
        data,
        choices=[(level.slug, level.name) for level in levels],
        labels=(_("First level"), _("Second level")),
        prompt=_("Choose a level…"),
    )


def skill_role_pair_form(data, *, roles: list[Role]) -> PairForm:
    return RolePairForm(
        data, choices=role_choices(roles), labels=(_("First role"), _("Second role")), prompt=_("Choose a role…")
    )


def role_pair_form(data, *, roles: list[Role]) -> PairForm:
    return PairForm(
        data, choices=role_choices(roles), labels=(_("First role"), _("Second role")), prompt=_("Choose a role…")
    )
