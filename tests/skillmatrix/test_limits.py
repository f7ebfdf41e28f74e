"""Every limit is defined once: templates and scripts render it from the server, never as a literal."""

import re
from pathlib import Path

from django.template import Context, Template

from proposals.forms import HideForm
from proposals.models import HIDE_REASON_MAX_LENGTH, TEXT_MAX_LENGTH, Comment
from proposals.serializers import CommentHideIn
from skills.selectors import SEARCH_MAX_CHARS

ROOT = Path(__file__).resolve().parents[2]
LITERAL_LIMIT = re.compile(r"""maxlength\s*[=:]\s*["']?\d|maxLength\s*[=:]\s*\d""")


def test_no_template_or_script_writes_a_limit_as_a_literal():
    files = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static" / "js").glob("*.js")]
    literal = {str(path.relative_to(ROOT)) for path in files if LITERAL_LIMIT.search(path.read_text(encoding="utf-8"))}
    assert literal == set()
    assert len(files) > 50


def test_templates_render_the_limits_the_server_enforces():
    rendered = Template("{% load limits %}{% limit 'text' %} {% limit 'hide_reason' %} {% limit 'search' %}")
    assert rendered.render(Context()) == f"{TEXT_MAX_LENGTH} {HIDE_REASON_MAX_LENGTH} {SEARCH_MAX_CHARS}"


def test_the_hide_reason_has_one_length_for_the_column_the_form_and_the_api():
    column = Comment._meta.get_field("hidden_reason").max_length
    assert column == HIDE_REASON_MAX_LENGTH
    assert HideForm().fields["reason"].max_length == column
    assert CommentHideIn().fields["reason"].max_length == column
