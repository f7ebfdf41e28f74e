"""The import graph of the project's own modules (STYLE.md, habit 11).

No circle; only URL confs import view modules: a view never imports another view,
and neither do API modules, template tags, presenters or selectors. The graph is read
from the source (ast), so these tests import nothing of the project and need no database.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The project's own packages; any other top-level package (one with an __init__.py) counts too.
PACKAGES = {"skillmatrix", "skills", "proposals", "growth", "bench", "teams", "accounts"}
NOT_OURS = {"tests"}


def project_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages but their migrations."""
    packages = PACKAGES | {init.parent.name for init in root.glob("*/__init__.py")}
    modules = {}
    for package in sorted(packages - NOT_OURS):
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imported_names(name: str, path: Path) -> set[str]:
    """Every dotted name `path` imports (at any depth: a deferred import is still a dependency)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the project's modules it imports (`from a import b` imports a, and a.b when b is a module)."""
    modules = project_modules(root)
    return {
        name: {other for other in imported_names(name, path) if other in modules and other != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def is_view(name: str) -> bool:
    return "views" in name.split(".")


def is_url_conf(name: str) -> bool:
    return name.split(".")[-1] in ("urls", "api_urls")


def forbidden_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) pairs where a module other than a URL conf imports a view."""
    return sorted(
        (name, other)
        for name, imported in graph.items()
        if not is_url_conf(name)
        for other in imported
        if is_view(other) and not _package_of(name, other)
    )


def _package_of(name: str, other: str) -> bool:
    """A module may import its own package (`from skills.views import x` in skills/views/x.py names skills.views)."""
    return name.startswith(other + ".")


# --------------------------------------------------------------------- tests
def test_the_project_has_no_import_cycle():
    assert cycles(import_graph(ROOT)) == []


def test_only_url_confs_import_views():
    assert forbidden_imports(import_graph(ROOT)) == []


def test_the_graph_covers_the_apps_and_leaves_out_migrations():
    modules = project_modules(ROOT)
    assert {"skills.api", "skills.selectors", "proposals.api", "growth.views", "skillmatrix.settings"} <= set(modules)
    assert not any("migrations" in name for name in modules)


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_circle_is_found_through_relative_and_deferred_imports(tmp_path):
    _write(
        tmp_path,
        {
            "skills/__init__.py": "",
            "skills/a.py": "from . import b\n",
            "skills/b.py": "def f():\n    from skills.views import c\n",
            "skills/views/__init__.py": "",
            "skills/views/c.py": "from ..a import thing\n",
            "skills/d.py": "import skills.a\n",
            "skills/migrations/0001_initial.py": "from skills import d\n",
        },
    )
    graph = import_graph(tmp_path)
    assert cycles(graph) == [["skills.a", "skills.b", "skills.views.c"]]
    assert "skills.migrations.0001_initial" not in graph


def test_a_view_importing_a_view_and_an_api_importing_a_view_are_found(tmp_path):
    _write(
        tmp_path,
        {
            "skills/__init__.py": "",
            "skills/views/__init__.py": "",
            "skills/views/catalog.py": "from skills.views import roles\n",
            "skills/views/roles.py": "from skills import pages\n",
            "skills/pages.py": "",
            "skills/api.py": "from skills.views.roles import thing\n",
            "skills/urls.py": "from skills.views import catalog, roles\n",
            "skills/templatetags/__init__.py": "",
            "skills/templatetags/tags.py": "from skills.views.catalog import helper\n",
        },
    )
    assert forbidden_imports(import_graph(tmp_path)) == [
        ("skills.api", "skills.views.roles"),
        ("skills.templatetags.tags", "skills.views.catalog"),
        ("skills.views.catalog", "skills.views.roles"),
    ]
