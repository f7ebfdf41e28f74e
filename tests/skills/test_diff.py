"""skills.diff: word-level segments that rebuild both texts, and their HTML."""

import itertools

import pytest

from skills.diff import Segment, diff_html, has_changes, tokenize, word_diff


def old_text(segments):
    return "".join(s.text for s in segments if s.op != "insert")


def new_text(segments):
    return "".join(s.text for s in segments if s.op != "delete")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),
        ("", "Brand new text."),
        ("Removed entirely.", ""),
        ("Same words here.", "Same words here."),
        ("Uses MLflow or W&B for basic tracking.", "Uses MLflow, W&B or Neptune for advanced tracking."),
        ("a b", "c d"),
        ("line one\n\nline two", "line one\nline 2"),
        ("Tabs\tand  double  spaces", "Tabs and double spaces"),
        ("Ünïcode — dashes “quotes”", 'Unicode - dashes "quotes"'),
    ],
)
def test_segments_rebuild_both_texts(old, new):
    segments = word_diff(old, new)
    assert old_text(segments) == old
    assert new_text(segments) == new
    # Neighbours never share an op: merged runs read as one change.
    assert all(a.op != b.op for a, b in itertools.pairwise(segments))


def test_changed_words_are_marked_and_others_kept():
    segments = word_diff("Uses MLflow for basic tracking.", "Uses MLflow for advanced tracking.")
    assert segments == [
        Segment("equal", "Uses MLflow for "),
        Segment("delete", "basic"),
        Segment("insert", "advanced"),
        Segment("equal", " tracking."),
    ]


def test_a_short_word_between_changes_joins_them():
    segments = word_diff("Knows the basics well.", "Designs the platform strategy well.")
    assert segments == [
        Segment("delete", "Knows the basics"),
        Segment("insert", "Designs the platform strategy"),
        Segment("equal", " well."),
    ]


def test_longer_shared_words_stay_as_anchors():
    segments = word_diff(
        "Independently builds experiment tracking workflow for ML projects.",
        "Designs enterprise experiment tracking infrastructure.",
    )
    assert Segment("equal", " experiment tracking ") in segments
    assert segments[0] == Segment("delete", "Independently builds")
    assert segments[1] == Segment("insert", "Designs enterprise")


def test_identical_texts_have_no_changes():
    assert not has_changes(word_diff("Same.", "Same."))
    assert has_changes(word_diff("Same.", "Same!"))


def test_tokens_keep_compound_words_whole():
    apostrophe = "\u2019"
    assert tokenize(f"CI/CD, W&B and e.g. it{apostrophe}s") == [
        *["CI/CD", ",", " ", "W&B", " ", "and", " ", "e.g", ".", " ", f"it{apostrophe}s"]
    ]


def test_html_escapes_text_and_marks_changes():
    html = diff_html(word_diff("Use it well.", "Use <script>alert(1)</script> it."))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<del>" in html
    assert "<ins>" in html
    assert 'class="visually-hidden"' in html  # screen readers hear "added:"/"removed:"


def test_step_changes_names_what_the_next_level_changes():
    from types import SimpleNamespace

    from skills.diff import step_changes

    def cell(description, required, proficiency):
        return SimpleNamespace(
            description=description,
            required=required,
            proficiency=proficiency,
            get_proficiency_display=lambda: proficiency.title(),
        )

    segments, changes = step_changes(
        cell("Logs runs.", False, "working"), cell("Logs and compares runs.", True, "advanced")
    )
    assert changes == ["Becomes required", "Proficiency: Working → Advanced"]
    assert "".join(s.text for s in segments if s.op != "delete") == "Logs and compares runs."
    assert step_changes(cell("Same.", True, "expert"), cell("Same.", False, "expert"))[1] == ["Becomes optional"]
    assert step_changes(cell("Same.", True, "expert"), cell("Same.", True, "expert"))[1] == []
