"""The layout the README's map describes: one package per capability, no import cycles, and
statistics that import nothing from Django."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("coding", "sources", "config")


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Every module of ours that `name` imports, at the top or inside a function."""
    is_package = path.name == "__init__.py"
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}".strip(".")
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return result


def _is_ancestor(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def test_no_import_cycles():
    modules = _modules()
    graph = {
        name: {
            target
            for target in _imports(path, name, modules)
            # a package's __init__ importing its own modules is how packages work, not a cycle
            if not _is_ancestor(name, target) and not _is_ancestor(target, name)
        }
        for name, path in modules.items()
    }
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_named_with_another_modules_prefix():
    for app in ("coding", "sources"):
        for folder in [ROOT / app, *(p for p in (ROOT / app).rglob("*") if p.is_dir())]:
            if "migrations" in folder.parts or "__pycache__" in folder.parts:
                continue
            names = {p.stem for p in folder.glob("*.py")} | {
                p.name for p in folder.iterdir() if (p / "__init__.py").exists()
            }
            names.discard("__init__")
            offenders = [
                (name, other)
                for name in names
                for other in names
                if name != other and name.startswith(other + "_")
            ]
            assert offenders == [], folder


def test_statistics_import_without_django():
    code = (
        "import sys; import coding.reliability.stats as s; "
        "assert s.alpha([[1, 2, 2], [1, 2, 1]], 'nominal') is not None; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_map_matches_the_tree():
    """Every package the README's architecture map names exists, and every package of ours is
    on the map."""
    readme = (ROOT / "README.md").read_text()
    packages = {
        str(p.parent.relative_to(ROOT)) + "/"
        for app in ("coding", "sources")
        for p in (ROOT / app).rglob("__init__.py")
        if not {"migrations", "management", "commands"} & set(p.parts)
    }
    for package in packages:
        assert f"`{package}`" in readme, f"{package} is not on the README's map"
    mapped = {
        token.strip("`")
        for token in readme.split()
        if token.startswith("`")
        and token.rstrip("`").endswith("/")
        and token.strip("`").split("/")[0] in ("coding", "sources")
    }
    for entry in mapped:
        assert (ROOT / entry).is_dir(), f"the README maps {entry}, which is not in the tree"
