"""The design card, checked: the import contract (.importlinter) and the type check.

Both tools read a package from one folder, while pyproject.toml maps the repository's
top-level folders into the `soptrack` namespace; so the installed layout is staged in a
temporary folder (the same mapping setuptools applies) and checked there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    stage = tmp_path_factory.mktemp("stage")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapping: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    for package, folder in sorted(mapping.items()):
        target = stage.joinpath(*package.split("."))
        shutil.copytree(
            ROOT / folder,
            target,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "__snapshots__"),
            dirs_exist_ok=True,
        )
    return stage


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def _run(command: list[str], stage: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(stage), "MYPYPATH": str(stage)}
    return subprocess.run(command, cwd=stage, env=env, capture_output=True, text=True, timeout=600)


def test_installed_layout_is_one_namespace() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["setuptools"]["packages"]
    assert all(p == "soptrack" or p.startswith("soptrack.") for p in packages)
    for folder in ("sop", "store", "exporters", "tui", "services", "cli"):
        assert config["tool"]["setuptools"]["package-dir"][f"soptrack.{folder}"] == folder


def test_import_contract(staged: Path) -> None:
    """tui | cli -> services -> store | exporters -> sop; cli never reaches Textual."""
    result = _run([_tool("lint-imports"), str(ROOT / ".importlinter")], staged)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_types(staged: Path) -> None:
    result = _run(
        [
            _tool("mypy"),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "-p",
            "soptrack",
        ],
        staged,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_import_cycles(staged: Path) -> None:
    """No module reaches itself through imports, function-local ones included (grimp reads
    them all), so a cycle cannot hide behind a lazy import."""
    script = """
import grimp, sys
graph = grimp.build_graph("soptrack")
modules = sorted(graph.modules)
index, low, stack, on_stack, cycles = {}, {}, [], set(), []
sys.setrecursionlimit(10000)
def visit(m):
    index[m] = low[m] = len(index)
    stack.append(m); on_stack.add(m)
    for n in graph.find_modules_directly_imported_by(m):
        if n not in index:
            visit(n); low[m] = min(low[m], low[n])
        elif n in on_stack:
            low[m] = min(low[m], index[n])
    if low[m] == index[m]:
        group = []
        while True:
            n = stack.pop(); on_stack.discard(n); group.append(n)
            if n == m: break
        if len(group) > 1:
            cycles.append(sorted(group))
for m in modules:
    if m not in index:
        visit(m)
for c in cycles:
    print(" <-> ".join(c))
"""
    result = _run([sys.executable, "-c", script], staged)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "", "import cycles:\n" + result.stdout
