"""Line-level edits that wire generated code into the site's files without reformatting them.

Each edit inserts lines and leaves every existing line byte for byte as it was, and each is
idempotent: running a generator twice never duplicates an import, a registration or a seeder.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.cli.errors import CommandError

REGISTRY_IMPORT = "from core.registry import register_model"


def _quote(source: str, default: str = '"') -> str:
    """The quote style the file already uses for the strings we add."""
    match = re.search(r"register_model\(\s*(['\"])", source) or re.search(r"(['\"])seeders\.", source)
    return match.group(1) if match else default


def _newline(source: str) -> str:
    return "\r\n" if "\r\n" in source else "\n"


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _end(node: ast.expr) -> tuple[int, int]:
    """Where a parsed node ends (line from 1, column); `ast.parse` always sets both."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    return node.end_lineno, node.end_col_offset


def register_model_lines(source: str, module: str, class_name: str) -> tuple[str, list[str]]:
    """`source` of models/__init__.py with the import and `register_model(...)` for one model.

    Returns the new text and the lines it added (empty when the model was already wired).
    """
    nl = _newline(source)
    lines = source.splitlines()
    added: list[str] = []
    import_line = f"from {module} import {class_name}"
    imported = re.search(rf"^from {re.escape(module)} import .*\b{class_name}\b", source, re.M)
    if not imported:
        model_imports = [i for i, line in enumerate(lines) if line.startswith("from models.")]
        before = [i for i in model_imports if lines[i] < import_line]
        if before:
            position = before[-1] + 1
        elif model_imports:
            position = model_imports[0]
        else:
            position = _after_imports(lines)
        lines.insert(position, import_line)
        added.append(import_line)
    if not re.search(r"^from core\.registry import .*\bregister_model\b", "\n".join(lines), re.M):
        position = next((i for i, line in enumerate(lines) if line.startswith("from models.")), _after_imports(lines))
        lines.insert(position, REGISTRY_IMPORT)
        added.append(REGISTRY_IMPORT)
    q = _quote(source)
    registered = re.search(rf"register_model\(\s*['\"]{class_name}['\"]", source)
    if not registered:
        call = f"register_model({q}{class_name}{q}, {class_name})"
        calls = [i for i, line in enumerate(lines) if line.startswith("register_model(")]
        if calls:
            lines.insert(calls[-1] + 1, call)
        else:
            while lines and not lines[-1].strip():
                lines.pop()
            lines.extend(["", call])
        added.append(call)
    return nl.join(lines) + nl, added


def _after_imports(lines: list[str]) -> int:
    """The index just after the last top-level import (or after the docstring when none)."""
    last = -1
    for i, line in enumerate(lines):
        if line.startswith(("import ", "from ")):
            last = i
    if last >= 0:
        return last + 1
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return 0
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[0].end_lineno or 0
    return 0


def wire_model(path: Path, module: str, class_name: str) -> list[str]:
    """Edit models/__init__.py in place; returns the lines added."""
    source = path.read_text(encoding="utf-8") if path.exists() else ""
    text, added = register_model_lines(source, module, class_name)
    if added:
        path.write_text(text, encoding="utf-8")
    return added


def add_seeder_line(source: str, module: str) -> str | None:
    """`source` of database_seeder.py with `module` appended to SEEDERS; None when already listed."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise CommandError(f"seeders/database_seeder.py does not parse (line {error.lineno}): fix it first") from None
    target: ast.List | ast.Tuple | None = None
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if "SEEDERS" in names and isinstance(node.value, ast.List | ast.Tuple):
            target = node.value
    if target is None:
        raise CommandError("seeders/database_seeder.py has no SEEDERS = [...] list; add one, e.g. SEEDERS = []")
    listed = [e.value for e in target.elts if isinstance(e, ast.Constant)]
    if module in listed:
        return None
    lines = source.splitlines(keepends=True)
    q = _quote(source)
    item = f"{q}{module}{q}"
    end_row, end_col = _end(target)
    end_line, end_col = end_row - 1, end_col - 1  # the closing bracket
    closing = lines[end_line]
    if not target.elts and target.lineno - 1 == end_line:  # `SEEDERS = []`
        lines[end_line] = f"{closing[:end_col]}{item}{closing[end_col:]}"
    elif not target.elts:  # an empty list spread over lines: `[\n]`
        indent = _indent(lines[target.lineno - 1]) + "    "
        lines.insert(end_line, f"{indent}{item},{_newline(source)}")
    elif _end(target.elts[-1])[0] - 1 == end_line:  # the last item shares the closing bracket's line
        last_col = _end(target.elts[-1])[1]
        between = closing[last_col:end_col]
        trailing = "," if "," in between else ""
        lines[end_line] = f"{closing[:last_col]}, {item}{trailing}{closing[end_col:]}"
    else:  # one item per line: copy the previous item's indentation and trailing comma
        last_row, last_col = _end(target.elts[-1])
        last_line = lines[last_row - 1]
        indent = _indent(last_line)
        if not last_line[last_col:].lstrip().startswith(","):
            lines[last_row - 1] = last_line[:last_col] + "," + last_line[last_col:]
        lines.insert(end_line, f"{indent}{item},{_newline(source)}")
    return "".join(lines)
