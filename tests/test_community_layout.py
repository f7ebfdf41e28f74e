"""The community web layer's shape: its view modules do not import one another, and nothing that is not a view
(template tags, the API, presenters, helpers) imports a view. Read from the sources: no database, no Django."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIEWS = sorted((ROOT / "proposals" / "views").glob("*.py"))
NOT_VIEWS = [
    *sorted((ROOT / "proposals" / "templatetags").glob("*.py")),
    ROOT / "proposals" / "api.py",
    ROOT / "proposals" / "pages.py",
    ROOT / "proposals" / "view_helpers.py",
    ROOT / "proposals" / "selectors.py",
]


def imported(path: Path, source: str | None = None) -> set[str]:
    """Every module a file imports, as dotted names (`from a import b` gives a.b: b may be a module)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text() if source is None else source, filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                package = path.relative_to(ROOT).parent.parts
                base = ".".join(package[: len(package) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def views_in(names: set[str]) -> set[str]:
    return {name for name in names if name == "proposals.views" or name.startswith("proposals.views.")}


def test_the_views_package_has_its_page_families():
    assert {path.stem for path in VIEWS} >= {"suggest", "browse", "decisions", "comments", "watch"}


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.name)
def test_a_view_module_imports_no_other_view_module(path):
    assert views_in(imported(path)) == set()


@pytest.mark.parametrize("path", NOT_VIEWS, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_tags_api_and_presenters_import_no_view(path):
    assert views_in(imported(path)) == set()


def test_the_check_sees_every_way_of_importing_a_sibling():
    sample = ROOT / "proposals" / "views" / "sample.py"
    for source in ("from proposals.views import comments\n", "from . import comments\n", "import proposals.views.x\n"):
        assert views_in(imported(sample, source)), source
    assert not views_in(imported(sample, "from proposals import pages, view_helpers\n"))
