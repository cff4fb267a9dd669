"""The toolkit the YAML schema is written with: located errors and value parsers.

A :class:`Context` knows the file and the line of every key path, so that each failure becomes one
line, ``file:line: key.path: got ...; expected ...``. A parser is ``parse(ctx, path, value)``: it
returns the value (converted) or fails through the context. :func:`option` attaches a parser and a
default to a dataclass field and :func:`section` parses a mapping into such a dataclass.
"""
from __future__ import annotations

import dataclasses
import math
import reprlib
from dataclasses import field
from typing import Any, Callable, Mapping

from pinn.core.errors import ConfigError
from pinn.core.params import as_float, did_you_mean, unknown_key_message

KeyPath = tuple  # of str keys and int indices


def format_path(path: KeyPath) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "(top level)"


class Context:
    """Where the document came from, to put file, line and key path in front of each message."""

    def __init__(self, source: str, lines: Mapping[KeyPath, int] | None = None):
        self.source, self.lines = source, lines or {}

    def fail(self, path: KeyPath, message: str, detail: str = ""):
        """Raise the one-line ConfigError; ``detail`` (an expression with a caret under the culprit)
        follows on lines of its own."""
        line = next((self.lines[path[:i]] for i in range(len(path), -1, -1) if path[:i] in self.lines), None)
        where = f"{self.source}:{line}" if line else self.source
        raise ConfigError(f"{where}: {format_path(path)}: {message}" + (f"\n{detail}" if detail else ""))

    def expect(self, path: KeyPath, value, expected: str):
        self.fail(path, f"got {_show(value)}; expected {expected}")


_SHOW = reprlib.Repr()
_SHOW.maxstring, _SHOW.maxother, _SHOW.maxlevel = 57, 57, 3


def _show(value) -> str:
    """A short repr: never formats more of a large value than it shows."""
    text = _SHOW.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------- value parsers
Parser = Callable[[Context, KeyPath, Any], Any]


def integer(minimum: int | None = None, maximum: int | None = None) -> Parser:
    bounds = (f" in [{minimum}, {maximum}]" if maximum is not None else
              f" >= {minimum}" if minimum is not None else "")

    def parse(ctx, path, value):
        ok = isinstance(value, int) and not isinstance(value, bool) and (minimum is None or value >= minimum) \
            and (maximum is None or value <= maximum)
        if not ok:
            ctx.expect(path, value, "an integer" + bounds)
        return value
    return parse


def number(greater_than: float | None = None, at_least: float | None = None) -> Parser:
    expected = "a number" + (f" > {greater_than:g}" if greater_than is not None else "") + \
               (f" >= {at_least:g}" if at_least is not None else "")

    def parse(ctx, path, value):
        x = as_float(value)
        if x is None or not math.isfinite(x) or (greater_than is not None and not x > greater_than) \
                or (at_least is not None and not x >= at_least):
            ctx.expect(path, value, expected)
        return x
    return parse


def choice(*options) -> Parser:
    def parse(ctx, path, value):
        if not any(type(value) is type(o) and value == o for o in options):  # 1 is not True
            listed = ", ".join(str(o).lower() if isinstance(o, bool) else str(o) for o in options)
            ctx.expect(path, value, f"one of {listed}{did_you_mean(value, options)}")
        return value
    return parse


def text(ctx, path, value):
    if not isinstance(value, str) or not value.strip():
        ctx.expect(path, value, "a non-empty string")
    return value


def mapping(ctx, path, value) -> dict:
    if not isinstance(value, dict):
        ctx.expect(path, value, "a mapping (key: value)")
    return value


def derived(default=()):
    """A dataclass field that is not a YAML key: filled in while the config is resolved, left out
    of the resolved file and of its fingerprints."""
    return field(default=default, compare=False, metadata={"derived": True})


def option(default, parse: Parser, doc: str = ""):
    """A dataclass field with its default, its parser and a line of documentation."""
    factory = {"default_factory": default} if callable(default) else {"default": default}
    return field(metadata={"parse": parse, "doc": doc}, **factory)


def section(cls) -> Parser:
    """Parse a mapping into dataclass ``cls``: unknown keys rejected, each field by its parser."""
    def parse(ctx, path, value):
        if value is None:
            value = {}
        mapping(ctx, path, value)
        fields = [f for f in dataclasses.fields(cls) if "parse" in f.metadata]  # the rest is not YAML
        names = [f.name for f in fields]
        for key in value:
            if key not in names:
                ctx.fail(path + (key,), unknown_key_message(key, names))
        values = {}
        for f in fields:
            if f.name in value:
                values[f.name] = f.metadata["parse"](ctx, path + (f.name,), value[f.name])
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                ctx.fail(path + (f.name,), f"missing; {f.metadata.get('doc') or 'required'}")
        return cls(**values)
    return parse


def section_list(cls, example: str):
    """Parse a non-empty list of mappings, each into dataclass ``cls``: returns [(index, raw, parsed)]."""
    def parse(ctx, path, value):
        if not isinstance(value, list) or not value:
            ctx.expect(path, value, f"a non-empty list, e.g. {example}")
        return [(i, item, section(cls)(ctx, path + (i,), item)) for i, item in enumerate(value)]
    return parse
