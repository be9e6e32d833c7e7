"""The machinery behind tests/test_architecture.py: read our modules, classify, check.

Everything here works on source text, never by importing it, so the checks run
in memory on a planted project as well as on the real tree. The rules and the
table that classifies modules are data in tests/test_architecture.py; this
module only knows how to apply them.

Imports count wherever they are written: at the top, inside a function (a lazy
import), or under `if TYPE_CHECKING:`. A dependency is a dependency, whenever
it is loaded.
"""

from __future__ import annotations

import ast
import fnmatch
from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

# Folders that hold no code of ours (virtualenvs, caches, dependencies).
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "venv", "site-packages"}


@dataclass(frozen=True)
class Module:
    path: str  # tickets/admin/filters.py
    name: str  # tickets.admin.filters
    tree: ast.Module
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Import:
    target: str  # the module imported: one of ours when `ours`, else as written
    names: tuple[str, ...]  # what `from target import ...` took, if anything
    line: int
    ours: bool


@dataclass(frozen=True)
class Violation:
    rule: str
    path: str
    line: int
    detail: str
    importer: str = ""  # for import rules: the module that imports
    imported: str = ""  # and the module it imports directly

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.detail}"


# --- reading ----------------------------------------------------------------------


def module_name(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parse(sources: Mapping[str, str]) -> dict[str, Module]:
    """Modules by dotted name, from {path relative to the project: source text}."""
    modules = {}
    for path, text in sources.items():
        name = module_name(path)
        modules[name] = Module(path, name, ast.parse(text, filename=path), tuple(text.splitlines()))
    return modules


def read_project(root: Path) -> dict[str, Module]:
    sources = {}
    for file in sorted(root.rglob("*.py")):
        relative = file.relative_to(root)
        folders = relative.parts[:-1]
        if any(part.startswith(".") or part in SKIPPED_FOLDERS for part in folders):
            continue
        sources[relative.as_posix()] = file.read_text(encoding="utf-8")
    return parse(sources)


# --- classifying ------------------------------------------------------------------


def matches(pattern: str, path: str) -> bool:
    """Glob by path segment: `*` stays within one name, `**` spans any number of folders."""
    return _match(pattern.split("/"), path.split("/"))


def _match(pattern: list[str], parts: list[str]) -> bool:
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_match(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
    return (
        bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _match(pattern[1:], parts[1:])
    )


def layer_of(path: str, table: Iterable[tuple[str, str]], default: str) -> str:
    """The layer of the first row whose pattern matches `path`."""
    return next((layer for pattern, layer in table if matches(pattern, path)), default)


def app_of(path: str) -> str:
    return path.split("/")[0].removesuffix(".py")


# --- imports ----------------------------------------------------------------------


def _ours(dotted: str, known: Mapping[str, Module]) -> str | None:
    """The longest prefix of `dotted` that is one of our modules."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.path.endswith("__init__.py"):
        package.pop()
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def imports_of(module: Module, known: Mapping[str, Module]) -> list[Import]:
    """Each module `module` imports, once per line, with the names taken from it."""
    found: dict[tuple[str, int, bool], list[str]] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                ours = _ours(alias.name, known)
                found.setdefault((ours or alias.name, node.lineno, ours is not None), [])
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node)
            for alias in node.names:
                # `from tickets import views` imports the module tickets.views.
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    found.setdefault((submodule, node.lineno, True), [])
                    continue
                ours = _ours(base, known)
                key = (ours or base, node.lineno, ours is not None)
                found.setdefault(key, []).append(alias.name)
    return [
        Import(target, tuple(names), line, ours)
        for (target, line, ours), names in sorted(found.items(), key=lambda item: item[0][1])
    ]


def import_graph(modules: Mapping[str, Module]) -> dict[str, list[Import]]:
    return {name: imports_of(module, modules) for name, module in modules.items()}


# --- the layering rules -----------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Modules in `importers` must not import modules in `forbidden`.

    With `through`, importing a module of one of those layers counts as also
    importing whatever it imports, so a rule cannot be dodged by a detour.
    """

    name: str
    importers: Collection[str]
    forbidden: Collection[str]
    through: Collection[str] = ()


def check_rules(
    modules: Mapping[str, Module], layers: Mapping[str, str], rules: Iterable[Rule]
) -> list[Violation]:
    graph = import_graph(modules)
    violations = []
    for rule in rules:
        for name, module in modules.items():
            if layers[name] not in rule.importers:
                continue
            for imp in graph[name]:
                if not imp.ours or imp.target == name:
                    continue
                chain = _forbidden_chain(imp.target, rule, graph, layers)
                if chain:
                    reached = chain[-1]
                    detail = f"{name} imports {' -> '.join(chain)} ({layers[reached]})"
                    violations.append(
                        Violation(rule.name, module.path, imp.line, detail, name, imp.target)
                    )
    return violations


def _forbidden_chain(
    start: str, rule: Rule, graph: Mapping[str, list[Import]], layers: Mapping[str, str]
) -> list[str] | None:
    """The shortest import path from `start` to a forbidden module, through allowed layers."""
    queue = deque([[start]])
    seen = {start}
    while queue:
        chain = queue.popleft()
        here = chain[-1]
        if layers[here] in rule.forbidden:
            return chain
        if layers[here] not in rule.through:
            continue
        for imp in graph[here]:
            if imp.ours and imp.target not in seen:
                seen.add(imp.target)
                queue.append([*chain, imp.target])
    return None


def check_cross_app(
    modules: Mapping[str, Module],
    layers: Mapping[str, str],
    interfaces: Collection[str],
    open_to_every_app: Iterable[str],
) -> list[Violation]:
    """An app's interface modules import no interface module of another app.

    Modules matching `open_to_every_app` (the project-level API package) may be
    imported by every app's interface of the same layer.
    """
    rule = "apps don't import each other's interfaces"
    open_patterns = list(open_to_every_app)
    violations = []
    for name, module in modules.items():
        if layers[name] not in interfaces:
            continue
        for imp in imports_of(module, modules):
            if not imp.ours or layers[imp.target] not in interfaces:
                continue
            target = modules[imp.target]
            if app_of(target.path) == app_of(module.path):
                continue
            if layers[imp.target] == layers[name] and any(
                matches(pattern, target.path) for pattern in open_patterns
            ):
                continue
            detail = f"{name} ({layers[name]}) imports {imp.target} ({layers[imp.target]})"
            violations.append(Violation(rule, module.path, imp.line, detail, name, imp.target))
    return violations


def check_external(
    modules: Mapping[str, Module],
    layers: Mapping[str, str],
    importers: Collection[str],
    package: str,
    allowed: Mapping[str, frozenset[str] | None],
    rule: str,
) -> list[Violation]:
    """Modules in `importers` take from `package` only what `allowed` lists.

    `allowed` maps a module to the names that may be imported from it (None: any).
    """
    violations = []
    for name, module in modules.items():
        if layers[name] not in importers:
            continue
        for imp in imports_of(module, modules):
            if imp.ours or not (imp.target == package or imp.target.startswith(package + ".")):
                continue
            if imp.target in allowed:
                names = allowed[imp.target]
                if names is None or (imp.names and set(imp.names) <= names):
                    continue
            what = f"{', '.join(imp.names)} from {imp.target}" if imp.names else imp.target
            detail = f"{name} imports {what}"
            violations.append(Violation(rule, module.path, imp.line, detail, name, imp.target))
    return violations


# --- the write scan ---------------------------------------------------------------

WRITE_METHODS = frozenset(
    {
        "save",
        "delete",
        "update",
        "create",
        "bulk_create",
        "bulk_update",
        "update_or_create",
        "get_or_create",
    }
)
# Model.save(), QuerySet.create() and QuerySet.update() take keyword arguments
# only (Django 6), so a call with a positional argument is something else: a
# dict's or a set's update, a file's save, a serializer's create. `*args`
# could be empty, so it still counts.
KEYWORD_ONLY_WRITES = frozenset({"save", "create", "update"})


@dataclass(frozen=True)
class Write:
    path: str
    line: int
    code: str  # the stripped line that names the method
    method: str


def writes_in(module: Module) -> list[Write]:
    found = []
    for node in ast.walk(module.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method not in WRITE_METHODS:
            continue
        if method in KEYWORD_ONLY_WRITES and any(
            not isinstance(arg, ast.Starred) for arg in node.args
        ):
            continue
        # The line where `.method` is written, however the chain is wrapped.
        line = node.func.end_lineno or node.lineno
        found.append(Write(module.path, line, module.lines[line - 1].strip(), method))
    return found


def check_writes(
    modules: Mapping[str, Module], allowed: Iterable[tuple[str, str | None, str]]
) -> list[Violation]:
    """Writes outside the allowlist: (module pattern, the line's code or None, why)."""
    entries = list(allowed)
    violations = []
    for module in modules.values():
        for write in writes_in(module):
            if any(is_allowed(write, entry) for entry in entries):
                continue
            detail = f".{write.method}( in `{write.code}`: call a service instead"
            violations.append(Violation("writes only in services", write.path, write.line, detail))
    return violations


def is_allowed(write: Write, entry: tuple[str, str | None, str]) -> bool:
    pattern, code, _why = entry
    return matches(pattern, write.path) and (code is None or code == write.code)
