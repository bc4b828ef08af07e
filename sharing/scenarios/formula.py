"""A whitelist parser for user-typed formulas (solve targets): Python ``ast`` → sympy.

User text is never given to ``eval``, ``exec``, sympy's string parsers or anything that
could run it. It is parsed by :func:`ast.parse` (which only builds a tree) after limits on
length and nesting, and the tree is walked node by node: only the node types listed below
are accepted, everything else is refused with what was found and where. The sympy objects
are built here, from numbers and symbols this module creates.

Accepted:

- numbers, written as in a contract (``12000000``, ``0.35``, ``1.2e7``; read exactly);
- ``+ - * /``, unary minus, ``**`` with a small whole exponent (|n| ≤ 8);
- calls of the named functions only, each with its own argument rules (a party id as a bare
  name or a quoted text; keyword arguments only where a function takes them);
- at most one comparison, ``==`` (a lone ``=`` is read as ``==``), at the top.

Refused (among others): attribute access, subscripts, lambdas, comprehensions, conditional
expressions, boolean and bitwise operators, strings outside function arguments, names that
are not arguments of a call, f-strings, assignments, starred arguments; more than
``MAX_LENGTH`` characters, ``MAX_NODES`` nodes or ``MAX_DEPTH`` levels of nesting; numbers of
more than ``MAX_DIGITS`` digits or beyond 10^30.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

MAX_LENGTH = 500
MAX_NODES = 200
MAX_DEPTH = 20
MAX_EXPONENT = 8
MAX_POWER_PRODUCT = 64  # product of exponents along any path: 10^30 ** 64 at most
MAX_DIGITS = 40
_ID = re.compile(r"^[^\W\d][\w\-]{0,63}$")


class FormulaError(ValueError):
    """A formula refused, with the reason and the place (character column)."""


@dataclass(frozen=True)
class Function:
    """A function a formula may call.

    ``args``: the kinds of its positional arguments in order, ``"id"`` (a party or clause
    id, given as a bare name or a quoted text) or ``"expr"``; ``optional`` of them may be left
    out at the end. ``keywords``: whether it takes ``id=expr`` keyword arguments (and then
    no positional ones). ``build`` makes the sympy object from the arguments.
    """

    args: tuple[str, ...]
    build: Callable[..., Any]
    optional: int = 0
    keywords: bool = False
    top_only: bool = False  # only as the whole formula (e.g. nash(...))


@dataclass
class _Walk:
    text: str
    functions: dict[str, Function]
    nodes: int = 0
    power_product: int = 1
    depth_of: dict[int, int] = field(default_factory=dict)


def _fail(node: ast.AST | None, message: str) -> FormulaError:
    where = f" (at column {node.col_offset + 1})" if node is not None and hasattr(
        node, "col_offset") else ""
    return FormulaError(message + where)


def _prepare(text: str) -> str:
    if not isinstance(text, str):
        raise FormulaError("a formula is a text")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is {len(text):,} characters long; the limit is "
                           f"{MAX_LENGTH}")
    if not text.strip():
        raise FormulaError("the formula is empty")
    if any(ch in text for ch in "\x00\r\n\t;\\`$@"):
        raise FormulaError("the formula has a character that formulas do not use "
                           "(; \\ ` $ @ or a control character)")
    if "__" in text:
        raise FormulaError("names with double underscores are not allowed")
    depth = peak = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            peak = max(peak, depth)
        elif ch in ")]}":
            depth -= 1
    if peak > MAX_DEPTH:
        raise FormulaError(f"the formula nests {peak} brackets deep; the limit is {MAX_DEPTH}")
    # A lone "=" at the top level (not ==, <=, >=, != and not a keyword argument) means ==.
    out, depth, i = [], 0, 0
    while i < len(text):
        ch = text[i]
        depth += ch in "([{"
        depth -= ch in ")]}"
        if (ch == "=" and depth == 0 and text[i - 1:i] not in ("=", "<", ">", "!")
                and text[i + 1:i + 2] != "="):
            out.append("==")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def parse(text: str, functions: dict[str, Function]) -> Any:
    """Parse a formula into a sympy object (an expression, an ``Eq``, or what a top-only
    function builds). Raises FormulaError for anything outside the whitelist."""
    import sympy

    source = _prepare(text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        raise FormulaError(f"not a formula: {e.msg} (at column {e.offset or 0})") from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("the formula is too deeply nested") from None
    walk = _Walk(source, functions)
    body = tree.body
    if isinstance(body, ast.Compare):
        if len(body.ops) != 1 or not isinstance(body.ops[0], ast.Eq):
            raise _fail(body, "only one comparison, ==, is allowed")
        lhs = _expr(walk, body.left, 1)
        rhs = _expr(walk, body.comparators[0], 1)
        return sympy.Eq(lhs, rhs, evaluate=False)
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and \
            body.func.id in functions and functions[body.func.id].top_only:
        return _call(walk, body, 1, top=True)
    return _expr(walk, body, 1)


def _count(walk: _Walk, node: ast.AST, depth: int) -> None:
    walk.nodes += 1
    if walk.nodes > MAX_NODES:
        raise _fail(node, f"the formula has more than {MAX_NODES} parts")
    if depth > MAX_DEPTH:
        raise _fail(node, f"the formula nests deeper than {MAX_DEPTH} levels")


def _number(walk: _Walk, node: ast.Constant) -> Any:
    import sympy

    from schemas.numbers import exact

    v = node.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _fail(node, f"{type(v).__name__} values are not allowed here")
    literal = ast.get_source_segment(walk.text, node) or repr(v)
    digits = sum(ch.isdigit() for ch in literal)
    if digits > MAX_DIGITS:
        raise _fail(node, f"a number with {digits} digits; the limit is {MAX_DIGITS}")
    try:
        f = exact(literal.replace("_", ""))
    except Exception:
        raise _fail(node, f"{literal} is not a number a formula can use") from None
    if abs(f) > 10**30:
        raise _fail(node, f"{literal} is beyond 10^30")
    return sympy.Rational(f.numerator, f.denominator)


_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}


def _expr(walk: _Walk, node: ast.AST, depth: int) -> Any:
    import sympy

    _count(walk, node, depth)
    if isinstance(node, ast.Constant):
        return _number(walk, node)
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub):
            return -_expr(walk, node.operand, depth + 1)
        if isinstance(node.op, ast.UAdd):
            return _expr(walk, node.operand, depth + 1)
        raise _fail(node, f"the operator {type(node.op).__name__} is not allowed")
    if isinstance(node, ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise _fail(node, f"the operator {type(node.op).__name__} is not allowed "
                        "(only + - * / and ** with a small whole exponent)")
        if op == "pow":
            n = _exponent(walk, node.right)
            walk.power_product *= max(abs(n), 1)
            if walk.power_product > MAX_POWER_PRODUCT:
                raise _fail(node, "powers of powers grow too large")
            base = _expr(walk, node.left, depth + 1)
            walk.power_product //= max(abs(n), 1)
            if n < 0 and base == 0:
                raise _fail(node, "division by zero")
            return sympy.Pow(base, n)
        a = _expr(walk, node.left, depth + 1)
        b = _expr(walk, node.right, depth + 1)
        if op == "add":
            return sympy.Add(a, b)
        if op == "sub":
            return sympy.Add(a, -b)
        if op == "mul":
            return sympy.Mul(a, b)
        if b == 0:
            raise _fail(node, "division by zero")
        return sympy.Mul(a, sympy.Pow(b, -1))
    if isinstance(node, ast.Call):
        return _call(walk, node, depth, top=False)
    if isinstance(node, ast.Name):
        raise _fail(node, f"{node.id!r} is not a number; names are only arguments of "
                    f"{', '.join(sorted(walk.functions))}")
    raise _fail(node, f"{type(node).__name__} is not allowed in a formula")


def _exponent(walk: _Walk, node: ast.AST) -> int:
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if not (isinstance(node, ast.Constant) and isinstance(node.value, int)
            and not isinstance(node.value, bool)):
        raise _fail(node, "an exponent must be a whole number written out, like 2")
    n = sign * node.value
    if abs(n) > MAX_EXPONENT:
        raise _fail(node, f"the exponent {n} is beyond ±{MAX_EXPONENT}")
    return n


def _identifier(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        name = node.value
    else:
        raise _fail(node, "expected a party or clause id here")
    if not _ID.match(name):
        raise _fail(node, f"{name!r} is not an id")
    return name


def _call(walk: _Walk, node: ast.Call, depth: int, top: bool) -> Any:
    _count(walk, node, depth)
    if not isinstance(node.func, ast.Name) or node.func.id not in walk.functions:
        what = node.func.id if isinstance(node.func, ast.Name) else type(node.func).__name__
        raise _fail(node, f"{what!r} is not a function formulas can call (known: "
                    f"{', '.join(sorted(walk.functions))})")
    name = node.func.id
    fn = walk.functions[name]
    if fn.top_only and not top:
        raise _fail(node, f"{name}(...) is a whole target by itself, not part of a formula")
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords):
        raise _fail(node, "* and ** arguments are not allowed")
    if fn.keywords:
        if node.args or not node.keywords:
            raise _fail(node, f"{name} takes party=value arguments, e.g. "
                        f"{name}(beijing=1000000, hebei=2000000)")
        kwargs = {}
        for k in node.keywords:
            if not _ID.match(k.arg):
                raise _fail(k.value, f"{k.arg!r} is not an id")
            kwargs[k.arg] = _expr(walk, k.value, depth + 1)
        return fn.build(**kwargs)
    if node.keywords:
        raise _fail(node, f"{name} takes no keyword arguments")
    n = len(node.args)
    if not len(fn.args) - fn.optional <= n <= len(fn.args):
        raise _fail(node, f"{name} takes {len(fn.args) - fn.optional}"
                    + (f" to {len(fn.args)}" if fn.optional else "") + f" arguments, not {n}")
    args = []
    for kind, a in zip(fn.args, node.args, strict=False):
        _count(walk, a, depth + 1)
        args.append(_identifier(a) if kind == "id" else _expr(walk, a, depth + 1))
    return fn.build(*args)


def as_fraction(value: Any) -> Fraction:
    """A sympy rational number as a Fraction."""
    import sympy

    v = sympy.Rational(value)
    return Fraction(int(v.p), int(v.q))
