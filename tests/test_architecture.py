"""The boundaries between the packages, read from their imports.

The engine (ml) knows nothing of Django or the site, so it trains, benchmarks
and tests on its own. The site's recognizer app reaches it through one module,
recognizer.engine_port, so what the site takes from the engine is listed in one
place. The API's shared machinery (restapi) knows neither the engine nor the
apps whose endpoints it serves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = {"accounts", "config", "learning", "recognizer", "restapi", "throttles"}
DJANGO = {"django", "rest_framework", "drf_spectacular", "django_filters", "django_tasks", "axes"}


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, at its top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[Path]:
    found = sorted((ROOT / package).rglob("*.py"))
    assert found, package
    return found


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_only_the_engine_port_imports_the_engine_in_the_recognizer_app():
    importers = [name(path) for path in modules("recognizer") if "ml" in imported(path)]
    assert importers == ["recognizer/engine_port.py"]


@pytest.mark.parametrize("path", modules("ml"), ids=name)
def test_the_engine_imports_nothing_of_django_or_the_site(path):
    assert not imported(path) & (DJANGO | SITE)


@pytest.mark.parametrize("path", modules("restapi"), ids=name)
def test_the_apis_machinery_imports_neither_the_engine_nor_the_apps(path):
    assert not imported(path) & {"ml", "recognizer", "accounts", "learning"}
