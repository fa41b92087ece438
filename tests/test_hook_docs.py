"""The plugin API reference stays true: every hook spec is documented, in the code and in
``docs/plugins/hooks.md``, with the signature it really has."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from crpm_cms import hookspecs

DOCS = Path(__file__).parent.parent / "docs" / "plugins" / "hooks.md"
REFERENCE_HEADING = "## Hook reference"

SPECS = {
    name: value for name, value in vars(hookspecs).items()
    if inspect.isfunction(value) and hasattr(value, f"{hookspecs.PROJECT}_spec")
}


def reference_sections() -> dict[str, str]:
    """``### name`` headings of the reference section, each with the text under it."""
    text = DOCS.read_text(encoding="utf-8")
    assert REFERENCE_HEADING in text, f"{DOCS} has no {REFERENCE_HEADING!r} section"
    reference = text.split(REFERENCE_HEADING, 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^### +(\S+) *$", reference, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def written_signature(name: str) -> str:
    """The signature as written in hookspecs.py (annotations stay text: postponed evaluation)."""
    signature = inspect.signature(SPECS[name])
    parameters = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"def {name}({parameters}) -> {signature.return_annotation}"


def test_there_are_hook_specs() -> None:
    assert len(SPECS) >= 10


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_hook_spec_has_a_docstring(name: str) -> None:
    assert (inspect.getdoc(SPECS[name]) or "").strip(), f"hookspecs.{name} has no docstring"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_hook_is_documented_with_its_signature(name: str) -> None:
    sections = reference_sections()
    assert name in sections, f"docs/plugins/hooks.md has no '### {name}' heading"
    documented = re.search(rf"^def {name}\(.*$", sections[name], re.MULTILINE)
    assert documented, f"docs/plugins/hooks.md shows no `def {name}(…)` under '### {name}'"
    function = ast.parse(documented.group(0) + ": ...").body[0]
    assert isinstance(function, ast.FunctionDef)
    names = [argument.arg for argument in function.args.args]
    assert names == list(inspect.signature(SPECS[name]).parameters), "parameter names differ"
    assert documented.group(0).strip() == written_signature(name), "signature differs"
    assert sections[name].replace(documented.group(0), "").strip(" \n`python"), \
        f"'### {name}' shows a signature but says nothing about the hook"


def test_the_reference_documents_no_hook_that_does_not_exist() -> None:
    assert sorted(set(reference_sections()) - set(SPECS)) == []
