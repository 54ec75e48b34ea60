"""The layers you see in the folders are the layers the imports follow.

- `analytics/` (the core) never imports streamlit, `ui` or `pages`;
- the domain (modules at the top of `analytics/`), `analytics/ingest` and `analytics/trust` never import the
  presentation or the CLI; nothing but the CLI imports the CLI, so `ui/` never does;
- no import cycle among `analytics` modules, counting imports inside functions too;
- pages call `analytics` and `ui`: no SQL, no figure building, no reshaping in a page.
"""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import analytics
from tests.support import PROJECT

Graph = dict[str, set[str]]
PAGE_FORBIDDEN = {
    "SQL": re.compile(r"\.execute\(|\bduckdb\b|\bSELECT\b", re.IGNORECASE),
    "figure building": re.compile(r"\bgo\.|\bplotly\b"),
    "reshaping": re.compile(r"\.groupby\(|\.merge\(|\.pivot(_table)?\(|\.melt\(|\.agg\("),
}


# One `st.Page("pages/<stem>.py", ...)` call in app.py, its arguments (a call inside them, such as t(...), included).
PAGE_ROUTE = re.compile(r'st\.Page\(\s*"pages/(\w+)\.py"((?:[^()]|\([^()]*\))*)\)')
URL_PATH = re.compile(r'url_path="([^"]*)"')


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Every module `path` imports, at the top or inside a function (`from pkg import mod` counts as pkg.mod)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known
            found |= submodules
            if len(submodules) < len(node.names):  # names defined in the package's __init__ itself
                found.add(base)
    return found


def import_graph(root: Path, top_packages: tuple[str, ...]) -> Graph:
    files = {module_name(p, root): p for top in top_packages for p in (root / top).rglob("*.py")}
    if (root / "app.py").exists():
        files["app"] = root / "app.py"
    known = set(files)
    return {name: imports_of(path, name, known) for name, path in files.items()}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "analytics":
        return parts[0]
    if module == "analytics.__main__":
        return "cli"
    return parts[1] if len(parts) > 1 and parts[1] in ("ingest", "presentation", "trust", "cli") else "domain"


# Which layers may import which (streamlit and the pages are checked apart).
ALLOWED = {
    "domain": {"domain", "ingest", "trust"},
    "ingest": {"domain", "ingest", "trust"},
    "trust": {"domain", "ingest", "trust"},
    "presentation": {"domain", "ingest", "trust", "presentation"},
    "cli": {"domain", "ingest", "trust", "presentation", "cli"},
    "ui": {"domain", "ingest", "trust", "presentation", "ui"},
    "pages": {"domain", "ingest", "trust", "presentation", "ui"},
    "app": {"domain", "ingest", "trust", "presentation", "ui"},
}


def layer_violations(graph: Graph) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if target.split(".")[0] not in ("analytics", "ui", "pages"):
                continue
            if target in ("analytics", "ui", "pages"):
                continue
            if layer(target) not in ALLOWED[layer(module)]:
                problems.append(f"{module} ({layer(module)}) imports {target} ({layer(target)})")
    return problems


def cycles(graph: Graph) -> list[list[str]]:
    """Strongly connected components of more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def page_violations(pages: list[Path]) -> list[str]:
    problems = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for what, pattern in PAGE_FORBIDDEN.items():
            if match := pattern.search(text):
                problems.append(f"pages/{page.name}: {what} ({match.group(0)!r}) belongs in analytics/ or ui/")
    return problems


def routing_problems(app: str, stems: list[str]) -> list[str]:
    """Every page routed by exactly one st.Page call, whose url_path is the page file's stem: a link names
    the page its file does."""
    routes = [(stem, url.group(1) if (url := URL_PATH.search(arguments)) else None) for stem, arguments in PAGE_ROUTE.findall(app)]
    problems = [f"pages/{stem}.py: url_path {url!r} must be {stem!r}" for stem, url in routes if url != stem]
    routed = [stem for stem, _ in routes]
    problems += [f"pages/{stem}.py: routed {routed.count(stem)} times in app.py" for stem in sorted(stems) if routed.count(stem) != 1]
    return problems


@pytest.fixture(scope="module")
def graph() -> Graph:
    return import_graph(PROJECT, ("analytics", "ui", "pages"))


def test_analytics_never_imports_streamlit() -> None:
    modules = [m.name for m in pkgutil.walk_packages(analytics.__path__, "analytics.") if not m.name.endswith("__main__")]
    assert "analytics.store" in modules and "analytics.presentation.charts" in modules
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "print('streamlit' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True)
    assert result.stdout.strip() == "False"


def test_the_top_level_of_analytics_stays_small() -> None:
    top = [p for p in (PROJECT / "analytics").glob("*.py") if p.stem not in ("__init__", "__main__")]
    assert 8 <= len(top) <= 17, sorted(p.stem for p in top)


def test_layers_import_only_downwards(graph: Graph) -> None:
    assert graph["analytics.ingest.save"] >= {"analytics.ingest.validate"}  # the graph sees real imports
    assert layer_violations(graph) == []


def test_no_import_cycles_even_inside_functions(graph: Graph) -> None:
    assert cycles(graph) == []


def test_pages_hold_no_sql_figures_or_reshaping() -> None:
    pages = list((PROJECT / "pages").glob("*.py"))
    assert len(pages) >= 12
    assert page_violations(pages) == []


def test_presentation_runs_no_sql() -> None:
    """Presentation turns query results into figures and words; queries live in the domain."""
    files = list((PROJECT / "analytics" / "presentation").glob("*.py"))
    assert files
    assert [f.name for f in files if PAGE_FORBIDDEN["SQL"].search(f.read_text(encoding="utf-8"))] == []


def test_the_checks_catch_what_they_forbid(tmp_path: Path) -> None:
    """Each rule, broken on purpose in a copy, is reported."""
    graph = {"analytics.store": {"analytics.presentation.charts"}, "analytics.presentation.charts": {"analytics.store"}}
    assert layer_violations(graph) == ["analytics.store (domain) imports analytics.presentation.charts (presentation)"]
    assert cycles(graph) == [["analytics.presentation.charts", "analytics.store"]]
    assert layer_violations({"ui.upload": {"analytics.cli.uploads"}}) == ["ui.upload (ui) imports analytics.cli.uploads (cli)"]
    page = tmp_path / "bad.py"
    page.write_text("frame.groupby('unit').sum()\nfig = go.Figure()\ncur.execute('SELECT 1')\n", encoding="utf-8")
    assert len(page_violations([page])) == 3
    page.write_text("query = 'select value from facts'\n", encoding="utf-8")
    assert page_violations([page]) == ["pages/bad.py: SQL ('select') belongs in analytics/ or ui/"]
    swapped = 'st.Page("pages/a.py", title=t("a"), url_path="b"),\nst.Page("pages/b.py", title=t("b"), url_path="a"),\n'
    assert routing_problems(swapped, ["a", "b", "c"]) == [
        "pages/a.py: url_path 'b' must be 'a'",
        "pages/b.py: url_path 'a' must be 'b'",
        "pages/c.py: routed 0 times in app.py",
    ]
    assert routing_problems('st.Page("pages/a.py", title=t("a"), url_path="a")', ["a"]) == []
    hidden = tmp_path / "analytics" / "a.py"
    hidden.parent.mkdir()
    hidden.write_text("def later():\n    from analytics import b\n", encoding="utf-8")
    (tmp_path / "analytics" / "b.py").write_text("import analytics.a\n", encoding="utf-8")
    assert cycles(import_graph(tmp_path, ("analytics",))) == [["analytics.a", "analytics.b"]]


def test_every_page_leaves_legacy_pages_mode_and_is_routed_by_its_stem() -> None:
    pages = list((PROJECT / "pages").glob("*.py"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "leave_legacy_pages_mode()" in text, f"{page.name} must call leave_legacy_pages_mode() first (ui/routing.py)"
    assert routing_problems((PROJECT / "app.py").read_text(encoding="utf-8"), [page.stem for page in pages]) == []
