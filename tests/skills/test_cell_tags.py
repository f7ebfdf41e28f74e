"""The Required flag and proficiency badge every page with cells shows (skills/templatetags/cell_tags.py)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from skills.models import Expectation, Proficiency


def render(source: str, **context) -> str:
    return Template("{% load cell_tags %}" + source).render(Context(context))


def test_required_and_optional():
    assert render("{% required_flag True %}") == '<span class="flag flag--required">Required</span>'
    assert render("{% required_flag False %}") == '<span class="flag flag--optional">Optional</span>'
    assert render("{% required_flag missing %}") == '<span class="flag flag--optional">Optional</span>'


@pytest.mark.parametrize("value", Proficiency.values)
def test_the_badge_and_label_match_get_proficiency_display(value):
    cell = Expectation(proficiency=value)
    assert render("{% proficiency cell %}", cell=cell) == (
        f'<span class="prof prof--{value}">{cell.get_proficiency_display()}</span>'
    )
    assert render("{{ cell|proficiency_label }}", cell=cell) == cell.get_proficiency_display()


def test_no_cell_or_no_proficiency_shows_nothing():
    assert render("{% proficiency cell %}", cell=None) == ""
    assert render("{% proficiency cell %}", cell=Expectation(proficiency="")) == ""


def test_a_value_outside_the_choices_reads_as_itself_like_get_proficiency_display():
    cell = Expectation(proficiency="legendary")
    assert render("{{ cell|proficiency_label }}", cell=cell) == cell.get_proficiency_display() == "legendary"


def test_labels_follow_the_language():
    cell = Expectation(proficiency=Proficiency.EXPERT, required=True)
    with translation.override("de"):
        german = render("{% required_flag cell.required %} {% proficiency cell %}", cell=cell)
        assert german == (
            f'<span class="flag flag--required">{translation.gettext("Required")}</span> '
            f'<span class="prof prof--expert">{cell.get_proficiency_display()}</span>'
        )
    assert ">Required<" not in german and ">Expert<" not in german
