"""The layers hold: every import points down (tests/architecture.json), the engine stays pure.

Read from the source with `ast`, so a new module or a new import is checked the moment it
is written, whether at module level or inside a function.
"""

from __future__ import annotations

import ast
import json
from functools import cached_property
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULES = json.loads((ROOT / "tests" / "architecture.json").read_text(encoding="utf-8"))


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


class Tree:
    """The modules of the `factcheck` package under `root`, their layers and imports."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._imports: dict[str, list[tuple[str, bool]]] = {}

    @cached_property
    def modules(self) -> dict[str, Path]:
        """Dotted module name -> source file."""
        found = {}
        for path in sorted((self.root / "factcheck").rglob("*.py")):
            parts = list(path.relative_to(self.root).with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
        return found

    def layer_of(self, module: str) -> str:
        """The layer of a module: the first whose path prefix matches its file."""
        path = self.modules[module].relative_to(self.root).as_posix()
        for layer, prefixes in RULES["layers"].items():
            if any(path == prefix or path.startswith(prefix) for prefix in prefixes):
                return layer
        raise AssertionError(f"{path} is in no layer of tests/architecture.json")

    def owner(self, name: str) -> str | None:
        """The package module `name` is, or the module that defines the attribute `name`."""
        while name and name not in self.modules:
            name = name.rpartition(".")[0]
        return name or None

    def imports(self, module: str) -> list[tuple[str, bool]]:
        """(imported name, imported when the module loads) for every import in `module`."""
        if module not in self._imports:
            path = self.modules[module]
            package = path.name == "__init__.py"
            found: list[tuple[str, bool]] = []

            def visit(node: ast.AST, at_load: bool) -> None:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.Import):
                        found.extend((alias.name, at_load) for alias in child.names)
                    elif isinstance(child, ast.ImportFrom):
                        target = child.module or ""
                        if child.level:
                            base = module.split(".") if package else module.split(".")[:-1]
                            base = base[: len(base) - child.level + 1]
                            target = ".".join([*base, *([target] if target else [])])
                        found.append((target, at_load))
                        found.extend((f"{target}.{alias.name}", at_load) for alias in child.names)
                    elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                        visit(child, False)
                    else:
                        visit(child, at_load and not _type_checking(child))

            visit(ast.parse(path.read_text(encoding="utf-8")), True)
            self._imports[module] = found
        return self._imports[module]

    def upward_imports(self, module: str) -> list[str]:
        """The imports of `module` that its layer may not make."""
        layer = self.layer_of(module)
        allowed = set(RULES["may_import"][layer])
        return sorted({
            f"{module} ({layer}) imports {owner} ({self.layer_of(owner)})"
            for name, _at_load in self.imports(module)
            if name.split(".")[0] == "factcheck"
            and (owner := self.owner(name)) not in (None, "factcheck")
            and self.layer_of(owner) not in allowed
        })

    def loaded_with(self, module: str) -> set[str]:
        """Every package module that importing `module` loads (module level, transitively)."""
        seen, todo = set(), [module]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(owner for name, at_load in self.imports(current)
                            if at_load and (owner := self.owner(name)) is not None)
        return seen

    def banned_loads(self, layer: str) -> list[str]:
        """How modules of `layer` end up loading a library the layer must never reach."""
        banned = set(RULES["never_reaches"][layer])
        return sorted({
            f"{module} loads {loaded}, which imports {name.split('.')[0]}"
            for module in self.modules if self.layer_of(module) == layer
            for loaded in self.loaded_with(module)
            for name, at_load in self.imports(loaded)
            if at_load and name.split(".")[0] in banned
        })


TREE = Tree(ROOT)


def test_every_module_has_a_layer():
    assert {TREE.layer_of(module) for module in TREE.modules} == set(RULES["may_import"])


@pytest.mark.parametrize("module", sorted(TREE.modules))
def test_imports_point_down(module):
    assert TREE.upward_imports(module) == []


@pytest.mark.parametrize("layer", sorted(RULES["never_reaches"]))
def test_pure_layers_never_load_the_web_stack(layer):
    assert TREE.banned_loads(layer) == []


def test_the_rules_catch_upward_and_impure_imports(tmp_path):
    """The checker itself: a planted view import in the workflow is reported, twice."""
    files = {
        "factcheck/__init__.py": "",
        "factcheck/workflow/__init__.py": "",
        "factcheck/workflow/planted.py": "def later():\n    from ..web.editor import bp\n",
        "factcheck/workflow/loader.py": "from ..passwords import hash_password\n",
        "factcheck/passwords.py": "from flask import current_app\n",
        "factcheck/web/__init__.py": "",
        "factcheck/web/editor.py": "from flask import Blueprint\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    tree = Tree(tmp_path)
    assert tree.upward_imports("factcheck.workflow.planted") == [
        "factcheck.workflow.planted (workflow) imports factcheck.web.editor (web)"]
    assert tree.banned_loads("workflow") == [
        "factcheck.workflow.loader loads factcheck.passwords, which imports flask"]
