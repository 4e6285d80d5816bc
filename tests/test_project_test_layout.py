"""The tests' own layout: no test module imports from another test module.

Shared fixtures live in conftest.py, test data in tests.factories, plain helpers in
tests.helpers; a test module covers one capability and imports none of the others."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def is_test_module(dotted: str) -> bool:
    return dotted.startswith("tests.") and any(
        part.startswith("test_") for part in dotted.split(".")
    )


def imported_modules(source: str, package: str) -> list[str]:
    """Every module the source imports; relative imports are resolved against `package`.

    For `from x import y` both x and x.y are listed: y may be a module (`from tests import
    test_event_admin`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return found


def test_no_test_module_imports_another_test_module():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        package = ".".join(path.relative_to(TESTS.parent).parent.parts)
        offenders += [
            f"{path.relative_to(TESTS.parent)} imports {module}"
            for module in imported_modules(path.read_text(encoding="utf-8"), package)
            if is_test_module(module)
        ]

    assert offenders == []


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import tests.test_registration_public", "tests.test_registration_public"),
        ("from tests.test_event_admin import event_form_data", "tests.test_event_admin"),
        ("from tests import test_event_admin", "tests.test_event_admin"),
        (
            "from .test_registration_journey import PASSWORD",
            "tests.browser.test_registration_journey",
        ),
        ("from ..test_event_admin import event_form_data", "tests.test_event_admin"),
        ("from .. import test_event_admin", "tests.test_event_admin"),
    ],
)
def test_the_check_sees_each_form_of_import(source, module):
    found = imported_modules(source, "tests.browser")

    assert module in found
    assert any(is_test_module(name) for name in found)


def test_factories_helpers_and_fixtures_are_not_test_modules():
    found = imported_modules(
        "from tests.factories import make_event\nfrom tests.helpers import run_together\n"
        "from tests.helpers.export_admin_site import site\nimport pytest\n",
        "tests",
    )

    assert not any(is_test_module(name) for name in found)
