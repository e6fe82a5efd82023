"""The package's imports: none of Atlas's modules is imported inside a function (a cycle dodged
that way means the design needs a hook), except where Django must be ready first."""

from __future__ import annotations

import ast
from pathlib import Path

import atlas

PACKAGE = Path(atlas.__file__).parent
# Where an import inside a function is the point, and why.
ALLOWED = {
    ("wsgi.py", "build_application"): "the WSGI stack is built after Django is set up",
}


def function_level_imports(path: Path) -> list[tuple[str, int, str]]:
    """(function, line, module) of every `atlas` import nested in a function of `path`."""
    found = []
    for function in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            found += [
                (function.name, node.lineno, module)
                for module in modules
                if module == "atlas" or module.startswith("atlas.")
            ]
    return found


def test_no_module_of_atlas_is_imported_inside_a_function() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in relative:
            continue
        for function, line, module in function_level_imports(path):
            app_ready = relative.endswith("apps.py") and function == "ready"
            if not app_ready and (relative, function) not in ALLOWED:
                offenders.append(f"atlas/{relative}:{line} {function}() imports {module}")
    assert offenders == [], "Import at the top of the module, or add a hook:\n" + "\n".join(
        offenders
    )


def test_the_check_finds_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("def late():\n    from atlas.members import outbox\n    import json\n")
    assert function_level_imports(module) == [("late", 2, "atlas.members")]
