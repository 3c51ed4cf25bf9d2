"""The import contracts of pyproject.toml ([tool.importlinter]): they run, they catch a forbidden
import, and the project keeps them.

The first tests copy the six apps into a temporary folder, add one import to the copy and run
`lint-imports` there with the project's own configuration, so a contract that silently checked
nothing (a typo in a layer's name, a wrong root package) would fail them.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["portal", "sponsorship", "matching", "housing", "training", "projects"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the apps in `tree` with the project's configuration, without a cache."""
    config = tree / "pyproject.toml"
    if not config.exists():
        shutil.copy(ROOT / "pyproject.toml", config)
    return subprocess.run(
        [str(LINT_IMPORTS), str(config), "--no-cache", "--no-logo"],
        cwd=tree,
        # The copy comes first on the path: the real apps (installed in editable mode) must not be analysed.
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "seed"))
    return tmp_path


def add_line(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def contract_result(output: str, name: str) -> str:
    match = re.search(rf"^{re.escape(name)} (KEPT|BROKEN)", output, re.MULTILINE)
    assert match, f"contract {name!r} did not run:\n{output}"
    return match.group(1)


def test_layers_contract_rejects_an_upward_import(app_copy):
    add_line(app_copy / "sponsorship" / "models.py", "import matching.models  # noqa")

    result = lint_imports(app_copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert contract_result(result.stdout, "Apps import downward only") == "BROKEN"
    assert "sponsorship is not allowed to import matching" in result.stdout
    assert re.search(r"- sponsorship\.models -> matching\.models \(l\.\d+\)", result.stdout), result.stdout


def test_layers_contract_sees_function_local_imports(app_copy):
    add_line(app_copy / "portal" / "models.py", "def _probe():\n    from housing import models  # noqa")

    result = lint_imports(app_copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"- portal\.models -> housing\.models \(l\.\d+\)", result.stdout), result.stdout


def test_tasks_contract_rejects_another_apps_tasks(app_copy):
    # matching may import housing (it is the higher layer), but not housing's tasks.
    add_line(app_copy / "matching" / "models.py", "import housing.tasks  # noqa")

    result = lint_imports(app_copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert contract_result(result.stdout, "Celery tasks are private to their app") == "BROKEN"
    assert re.search(r"matching\.models -> housing\.tasks \(l\.\d+\)", result.stdout), result.stdout


def test_project_keeps_its_import_contracts():
    """The real apps: every contract kept (`make lint-arch` runs the same check)."""
    result = lint_imports(ROOT)

    assert contract_result(result.stdout, "Apps import downward only") == "KEPT", result.stdout
    assert contract_result(result.stdout, "Celery tasks are private to their app") == "KEPT", result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
