"""Static files as production serves them: hashed names, for the modules' imports too."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

STATIC = {"staticfiles": {"BACKEND": "atlas.lib.storage.StaticFiles"}}
EDITOR_BUDGET_GZIPPED = 150 * 1024  # the editor page's scripts (issue: <= 150 KB gzipped)


@pytest.fixture
def collected(tmp_path: Path) -> Path:
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=STATIC):
        call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


@pytest.mark.slow
def test_a_module_imports_the_hashed_name_of_another(collected: Path) -> None:
    """A browser that kept last year's text.js never pairs it with this year's editor.js."""
    editor = next(
        path for path in (collected / "newsroom/editor").glob("editor.*.js") if path.suffix == ".js"
    )
    imported = re.findall(r'from "\./(text\.[0-9a-f]{12}\.js)"', editor.read_text())
    assert imported and (collected / "newsroom/editor" / imported[0]).is_file()


@pytest.mark.slow
def test_the_editor_scripts_fit_the_budget(collected: Path) -> None:
    scripts = [
        path
        for folder in ("newsroom", "newsroom/editor")
        for path in (collected / folder).glob("*.js")
        if not re.search(r"\.[0-9a-f]{12}\.js$", path.name)
    ]
    assert {path.name for path in scripts} >= {"editor.js", "text.js", "newsroom.js"}
    total = sum(len(gzip.compress(path.read_bytes(), 9)) for path in scripts)
    assert total <= EDITOR_BUDGET_GZIPPED
