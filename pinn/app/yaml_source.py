"""Reading a run configuration's YAML: ``yaml.safe_load`` behind the checks a hostile file needs.

Before anything is constructed (or formatted into a message), the composed node graph is checked:
the file size, duplicate keys (PyYAML would keep the last silently), and aliases that refer to
themselves or expand beyond ``MAX_NODES`` (an 892-byte "billion laughs" file expands to 10^9
nodes). Errors name the file and line.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pinn.core.errors import ConfigError


def _line_numbers(root) -> dict:
    """Key path -> 1-based line of each value in a composed YAML node tree.

    Iterative, and each node is visited once: an alias makes a node reachable from several
    paths (or from itself, ``&a [*a]``), and recursion would not end, or take exponential time.
    """
    lines, seen, stack = {}, set(), [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, path + (key.value,)) for key, child in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, path + (i,)) for i, child in enumerate(node.value))
    return lines


MAX_FILE_BYTES = 1_000_000   # a run configuration is a few kilobytes
MAX_NODES = 100_000          # YAML nodes after aliases are expanded (an alias bomb expands to billions)


def _check_document(root, where: str):
    """Refuse duplicate keys and documents whose aliases expand beyond MAX_NODES, before anything
    constructs (or formats) the expanded values. Sizes are memoised per node, so shared nodes
    are counted without being expanded."""
    sizes, stack = {}, [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes and sizes[id(node)] is not None:
            continue
        children = ([child for pair in node.value for child in pair] if isinstance(node, yaml.MappingNode)
                    else list(node.value) if isinstance(node, yaml.SequenceNode) else [])
        if not children_done:
            if id(node) in sizes:  # entered again before it was finished: it contains itself
                raise ConfigError(f"{where}:{node.start_mark.line + 1}: an alias refers to a node that contains "
                                  f"it; a run configuration cannot be recursive")
            sizes[id(node)] = None
            if isinstance(node, yaml.MappingNode):
                seen = {}
                for key, _ in node.value:
                    if isinstance(key, yaml.ScalarNode):
                        if key.value in seen:
                            raise ConfigError(f"{where}:{key.start_mark.line + 1}: the key {key.value!r} appears "
                                              f"twice in one mapping (first on line {seen[key.value]}); keep one")
                        seen[key.value] = key.start_mark.line + 1
            stack.append((node, True))
            stack.extend((child, False) for child in children if sizes.get(id(child)) is None)
        else:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > MAX_NODES:
                raise ConfigError(f"{where}:{node.start_mark.line + 1}: this value expands (through aliases) "
                                  f"to more than {MAX_NODES} YAML nodes; a run configuration is far smaller")


def read(path: Path) -> tuple[Any, dict]:
    """The document at ``path`` (safe_load) and the line of every key path in it."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(f"{path}: {path.stat().st_size} bytes; a run configuration has at most "
                              f"{MAX_FILE_BYTES} (a few kilobytes is usual)")
        text_ = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot be read ({e.__class__.__name__}: {e})") from None
    try:
        root = yaml.compose(text_, Loader=yaml.SafeLoader)
        if root is not None:
            _check_document(root, str(path))
        data = yaml.safe_load(text_)
        lines = _line_numbers(root) if data is not None else {}
    except RecursionError:
        raise ConfigError(f"{path}: the YAML is nested too deeply to be a run configuration") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None
    return data, lines
