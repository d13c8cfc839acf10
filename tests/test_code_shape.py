"""Rooms a newcomer can take in: no Python module over 300 lines, no function over 60.

A module or function may be longer when its docstring says why, in a sentence that
starts "Longer than": the reason is then read where the length is met.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULE_LINES = 300
FUNCTION_LINES = 60
REASON = "Longer than"


def _tracked_python() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).exists()]


def _explained(node: ast.AST) -> bool:
    docstring = (
        ast.get_docstring(node) if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef) else None
    )
    return docstring is not None and REASON in docstring


def _too_long(source: str, name: str) -> list[str]:
    tree = ast.parse(source)
    found = []
    lines = source.count("\n")
    if lines > MODULE_LINES and not _explained(tree):
        found.append(f"{name}: {lines} lines")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_LINES and not _explained(node):
                found.append(f"{name}:{node.lineno} {node.name}(): {length} lines")
    return found


def test_no_module_or_function_is_too_long_without_a_reason_at_its_top():
    found = [line for path in _tracked_python() for line in _too_long(path.read_text(), str(path.relative_to(ROOT)))]
    assert not found, (
        "Split these, or say at their top why not (a docstring sentence starting 'Longer than'):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f():\n" + "    x = 1\n" * 61, ["f(): 62 lines"]),
        ('def f():\n    """Longer than 60 lines because it is a table."""\n' + "    x = 1\n" * 61, []),
        ("x = 1\n" * 301, ["301 lines"]),
        ('"""Longer than 300 lines because one settings file is the design."""\n' + "x = 1\n" * 301, []),
    ],
)
def test_the_check_finds_long_rooms_and_accepts_a_reason(source, expected):
    found = _too_long(source, "probe.py")
    assert len(found) == len(expected)
    assert all(e in line for e, line in zip(expected, found, strict=True))
