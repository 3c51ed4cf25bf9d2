"""No function-local import between the apps: the layers are kept by module-level imports, where
import-linter and a reader see them, and a lower app reaches a higher one through a registry or a
signal that the higher app fills in its `AppConfig.ready` (README, Layers).

The only function-level imports of another app allowed are inside `AppConfig.ready`, the Django idiom
for wiring an app once every app is loaded.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["portal", "sponsorship", "matching", "housing", "training", "projects"]


def _modules() -> list[Path]:
    return sorted(
        path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.relative_to(ROOT).parts
    )


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""] if node.level == 0 else []
    return [alias.name for alias in node.names]


def _is_app_config(node: ast.ClassDef) -> bool:
    return any(
        (base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")).endswith("AppConfig")
        for base in node.bases
    )


def function_local_imports(path: Path) -> list[tuple[str, str, str, int]]:
    """(module path, innermost enclosing function, imported module, line) of each import inside a
    function, except inside the `ready` method of an AppConfig (and the functions it defines)."""
    found = []

    def visit(node: ast.AST, function: str | None, in_ready: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                ready_class = _is_app_config(child)
                for item in child.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        visit(item, item.name, in_ready or (ready_class and item.name == "ready"))
                    else:
                        visit(item, function, in_ready)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name, in_ready)
            elif isinstance(child, ast.Import | ast.ImportFrom):
                if function is not None and not in_ready:
                    for module in _imported(child):
                        found.append((path.relative_to(ROOT).as_posix(), function, module, child.lineno))
            else:
                visit(child, function, in_ready)

    visit(ast.parse(path.read_text(encoding="utf-8")), None, False)
    return found


def _app(module: str) -> str:
    return module.split(".")[0]


def _cross_app_local_imports() -> list[tuple[str, str, str, int]]:
    return [
        (path, function, module, line)
        for module_path in _modules()
        for path, function, module, line in function_local_imports(module_path)
        if _app(module) in APPS and _app(module) != path.split("/")[0]
    ]


def test_the_finder_sees_imports_in_functions_methods_and_nested_functions(tmp_path, monkeypatch):
    source = tmp_path / "portal" / "probe.py"
    source.parent.mkdir()
    source.write_text(
        "import matching.models\n"
        "from django.apps import AppConfig\n\n"
        "def outer():\n"
        "    def inner():\n"
        "        from housing import services\n"
        "    from training.models import Programme\n\n"
        "class Admin:\n"
        "    def action(self):\n"
        "        import sponsorship.selectors\n\n"
        "class PortalConfig(AppConfig):\n"
        "    def ready(self):\n"
        "        from matching import privacy\n\n"
        "    def other(self):\n"
        "        from projects.models import Language\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)

    found = {(function, module) for _path, function, module, _line in function_local_imports(source)}

    assert found == {
        ("inner", "housing"),
        ("outer", "training.models"),
        ("action", "sponsorship.selectors"),
        ("other", "projects.models"),
    }


def test_no_app_imports_another_inside_a_function_except_in_app_config_ready():
    offending = [
        f"{path}:{line} {function}() imports {module}" for path, function, module, line in _cross_app_local_imports()
    ]
    assert offending == [], "Import at module level, or reach the higher app through a registry:\n" + "\n".join(
        offending
    )
