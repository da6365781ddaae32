"""A parser for lavaan model syntax, giving lavaan's parameter table.

Supported (as ``lavaan::lavaanify`` with the defaults of ``cfa()``/``sem()``):

- ``f =~ x1 + x2``: factor loadings (the first fixed to 1 unless given ``NA*``),
- ``y ~ x1 + f``: regressions, ``x ~~ y``: (residual) variances and covariances,
  ``x ~ 1``: intercepts, ``x | t1``: thresholds (added automatically for ordered items),
- modifiers ``0.5*x`` (fixed value), ``NA*x`` (free), ``a*x`` (label: the same label is the
  same parameter), ``start(0.5)*x`` (start value only), and ``c(...)*x`` with one entry per group,
- defined parameters ``ind := a*b``: arithmetic (``+ - * / ^``, parentheses, numbers,
  ``sqrt``, ``exp``, ``log``, ``abs``) of labels and earlier definitions (:func:`defined_parameters`),
- second-order factors (``g =~ f1 + f2``), comments (``#``, ``!``) and ``;`` as line break.

Defaults added as lavaan's ``auto.*`` options for ``cfa``/``sem``: residual variances of the
observed and latent variables, covariances among exogenous latent variables and among the
residuals of variables that are only outcomes of regressions (``auto.cov.y``), thresholds of
ordered items, intercepts and latent means (fixed to 0) when a mean structure is modelled.

References
----------
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of
Statistical Software 48(2). The model syntax: https://lavaan.ugent.be/tutorial/syntax1.html
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ModelSyntaxError", "Parameter", "Definition", "parse_model", "parameter_table", "defined_parameters"]

_OPERATORS = ("=~", "~*~", "~~", "~", "|", "==", "<", ">", ":=")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


class ModelSyntaxError(ValueError):
    """The model text is not valid (supported) lavaan syntax."""


@dataclass
class Parameter:
    """One row of the parameter table (lavaan's ``parTable``)."""

    lhs: str
    op: str
    rhs: str
    group: int = 1
    free: bool = True
    value: float | None = None  # the fixed value, or None when free
    label: str = ""
    start: float | None = None
    user: bool = True
    extra: dict = field(default_factory=dict)


def _split_terms(rhs: str) -> list[str]:
    """Split ``a*x1 + c(1, NA)*x2`` at the top-level '+' signs."""
    terms, depth, current = [], 0, ""
    for char in rhs:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        exponent = re.search(r"(^|[*\s(])[+-]?(\d+\.?\d*|\.\d+)[eE]$", current)  # 1e+3*x: not a split
        if char == "+" and depth == 0 and current.strip() and not exponent and not current.rstrip().endswith("*"):
            terms.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        terms.append(current.strip())
    return terms


def _modifier(text: str, line: str) -> list[tuple]:
    """One modifier (``0.5``, ``NA``, ``a``, ``start(1)``, ``c(...)``) as a list of
    (kind, value) per group (a single entry applies to every group)."""
    text = text.strip()
    if text.startswith("c(") and text.endswith(")"):
        return [_modifier(part, line)[0] for part in text[2:-1].split(",")]
    if text.startswith("start(") and text.endswith(")"):
        return [("start", _number(text[6:-1], line))]
    if text in ("NA", "na"):
        return [("free", None)]
    if _NUMBER.match(text):
        return [("fixed", float(text))]
    if _NAME.match(text):
        return [("label", text)]
    raise ModelSyntaxError(f"model syntax: cannot read the modifier '{text}' in: {line}")


def _number(text: str, line: str) -> float:
    if not _NUMBER.match(text.strip()):
        raise ModelSyntaxError(f"model syntax: '{text}' is not a number in: {line}")
    return float(text)


def parse_model(model: str) -> list[dict]:
    """The model text as a list of user statements: ``{lhs, op, rhs, modifiers}``; a definition
    (``:=``) also carries its checked syntax ``tree`` and the names it ``uses``.

    Raises
    ------
    ModelSyntaxError
        A one-line message naming the statement that cannot be read.
    """
    if not isinstance(model, str) or not model.strip():
        raise ModelSyntaxError("model syntax: the model is empty")
    statements = []
    for raw in re.split(r"[\n;]", model):
        line = re.split(r"[#!]", raw, maxsplit=1)[0].strip()
        if not line:
            continue
        if ":=" in line:
            statements.append(_definition_statement(line))
            continue
        for op in _OPERATORS:
            if op in line:
                break
        else:
            raise ModelSyntaxError(f"model syntax: no operator (=~, ~, ~~) in: {line}")
        if op in ("==", "<", ">"):
            raise ModelSyntaxError(f"model syntax: the operator '{op}' is not supported: {line}")
        lhs, rhs = (part.strip() for part in line.split(op, 1))
        if not rhs or rhs.endswith("+") or rhs.startswith("+") or re.search(r"\+\s*\+", rhs):
            raise ModelSyntaxError(f"model syntax: a term is missing in: {line}")
        if not _NAME.match(lhs):
            raise ModelSyntaxError(f"model syntax: '{lhs}' is not a variable name in: {line}")
        for term in _split_terms(rhs):
            parts = [p.strip() for p in _split_star(term)]
            name = parts[-1]
            if op == "~" and name == "1":
                statements.append({"lhs": lhs, "op": "~1", "rhs": "", "modifiers": [_modifier(m, line) for m in parts[:-1]]})
                continue
            if not (_NAME.match(name) or (op == "|" and re.match(r"^t\d+$", name))):
                raise ModelSyntaxError(f"model syntax: '{name}' is not a variable name in: {line}")
            if name == lhs and op in ("=~", "~"):
                raise ModelSyntaxError(f"model syntax: '{name}' cannot {'measure' if op == '=~' else 'predict'} itself: {line}")
            statements.append({"lhs": lhs, "op": op, "rhs": name, "modifiers": [_modifier(m, line) for m in parts[:-1]]})
    if not statements:
        raise ModelSyntaxError("model syntax: the model is empty")
    merged: dict[tuple, dict] = {}
    defined: set[str] = set()
    for statement in statements:  # `f =~ NA*x + a*x` is one parameter with both modifiers, as in lavaan
        key = (statement["lhs"], statement["op"], statement["rhs"])
        if statement["op"] == ":=":
            if statement["lhs"] in defined:
                raise ModelSyntaxError(f"model syntax: '{statement['lhs']}' is defined twice")
            defined.add(statement["lhs"])
        if key in merged:
            merged[key]["modifiers"].extend(statement["modifiers"])
        else:
            merged[key] = statement
    return list(merged.values())


#: The functions a definition may call (lavaan allows any R function; these cover the usual ones).
_FUNCTIONS = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "abs": abs}
_OPERATIONS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
               ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}


@dataclass(frozen=True)
class Definition:
    """A defined parameter (lavaan's ``:=``): ``name``, its ``expression`` as written (without
    spaces, as lavaan's ``rhs``) and the labels or earlier definitions it ``uses``."""

    name: str
    expression: str
    uses: tuple[str, ...]
    tree: ast.Expression = field(repr=False, compare=False)

    def value(self, values: Mapping[str, float]) -> float:
        """The expression at ``values`` (label -> number), by walking its checked syntax tree."""
        return float(_evaluate(self.tree.body, values))


def _evaluate(node: ast.AST, values: Mapping[str, float]):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        return _OPERATIONS[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values))
    return _FUNCTIONS[node.func.id](_evaluate(node.args[0], values))  # an ast.Call, checked in _expression


def _expression(text: str, line: str) -> tuple[ast.Expression, tuple[str, ...]]:
    """The syntax tree of a definition's right-hand side, refused unless it is arithmetic of
    names and numbers (R's ``^`` is Python's ``**``); also the names it uses."""
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError:
        raise ModelSyntaxError(f"model syntax: cannot read the expression in: {line}") from None
    names = []
    for node in ast.walk(tree.body):
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS and len(node.args) == 1
                    and not node.keywords):
                raise ModelSyntaxError(f"model syntax: only {', '.join(_FUNCTIONS)} of one argument may be called "
                                       f"in: {line}")
        elif isinstance(node, ast.Name):
            if node.id not in _FUNCTIONS:
                names.append(node.id)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ModelSyntaxError(f"model syntax: '{node.value}' is not a number in: {line}")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPERATIONS:
                raise ModelSyntaxError(f"model syntax: only + - * / ^ may combine terms in: {line}")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise ModelSyntaxError(f"model syntax: cannot read the expression in: {line}")
        elif not isinstance(node, (ast.Load, ast.operator, ast.unaryop)):
            raise ModelSyntaxError(f"model syntax: cannot read the expression in: {line}")
    return tree, tuple(dict.fromkeys(names))


def _definition_statement(line: str) -> dict:
    lhs, rhs = (part.strip() for part in line.split(":=", 1))
    if not _NAME.match(lhs):
        raise ModelSyntaxError(f"model syntax: '{lhs}' is not a parameter name in: {line}")
    if not rhs:
        raise ModelSyntaxError(f"model syntax: a term is missing in: {line}")
    tree, uses = _expression(rhs, line)
    return {"lhs": lhs, "op": ":=", "rhs": re.sub(r"\s+", "", rhs), "modifiers": [], "tree": tree, "uses": uses}


def defined_parameters(model: str, labels: set[str]) -> list[Definition]:
    """The model's defined parameters (``name := expression``), in order.

    Each may use the ``labels`` of the parameter table and definitions before it; a name that
    is neither, or a definition named like a label, is a :class:`ModelSyntaxError`.
    """
    definitions: list[Definition] = []
    for s in parse_model(model):
        if s["op"] != ":=":
            continue
        known = set(labels) | {d.name for d in definitions}
        if s["lhs"] in labels:
            raise ModelSyntaxError(f"model syntax: the defined parameter '{s['lhs']}' is already a label")
        unknown = [name for name in s["uses"] if name not in known]
        if unknown:
            raise ModelSyntaxError(f"model syntax: unknown label(s) {', '.join(unknown)} in: {s['lhs']} := {s['rhs']}")
        definitions.append(Definition(s["lhs"], s["rhs"], s["uses"], s["tree"]))
    return definitions


def _split_star(term: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in term:
        depth += (char == "(") - (char == ")")
        if char == "*" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def _apply(row: Parameter, modifiers: list[list[tuple]], group: int) -> None:
    for modifier in modifiers:
        kind, value = modifier[group - 1] if len(modifier) > 1 else modifier[0]
        if kind == "fixed":
            row.free, row.value = False, value
        elif kind == "free":
            row.free, row.value = True, None
        elif kind == "label":
            row.label = value
        elif kind == "start":
            row.start = value


def parameter_table(model: str, observed: list[str], ordered: list[str] = (), groups: int = 1,
                    meanstructure: bool = False, std_lv: bool = False, int_ov_free: bool = True,
                    int_lv_free: bool = False) -> tuple[list[Parameter], dict]:
    """lavaan's parameter table for ``model`` (``cfa``/``sem`` defaults).

    Parameters
    ----------
    model : str
        lavaan model syntax.
    observed : list of str
        The data's column names; names in the model that are neither these nor a factor
        are an error.
    ordered : list of str
        Observed variables treated as ordinal (thresholds, delta parameterization).
    groups : int
        Number of groups; the table holds one block per group.
    meanstructure : bool
        Add the intercepts of the observed variables and the latent means (lavaan's
        ``meanstructure``); a ``~ 1`` line of the model is kept as written.
    std_lv : bool
        Identify factors by unit variances instead of a first loading of 1.
    int_ov_free, int_lv_free : bool
        Whether the added intercepts of the observed variables (default free) and the added
        latent means (default fixed to 0) are free, as lavaan's ``int.ov.free`` and
        ``int.lv.free`` (``growth()``: fixed to 0 and free).

    Returns
    -------
    list of Parameter, dict
        The rows, and the variable roles: ``latent`` (in order of definition), ``observed``
        (in order of appearance, as lavaan), ``ordered`` and ``exogenous_observed``.
    """
    statements = [s for s in parse_model(model) if s["op"] != ":="]
    latent = list(dict.fromkeys(s["lhs"] for s in statements if s["op"] == "=~"))
    names_in_model = []
    for s in statements:
        for name in (s["lhs"], s["rhs"]):
            if name and name not in latent and name not in names_in_model and not re.match(r"^t\d+$", name):
                names_in_model.append(name)
    # lavaan's order of observed variables: indicators first (in order), then the rest.
    indicators = [s["rhs"] for s in statements if s["op"] == "=~" and s["rhs"] not in latent]
    ov = list(dict.fromkeys(indicators + names_in_model))
    missing = [name for name in ov if name not in observed]
    if missing:
        raise ModelSyntaxError(f"model syntax: variable(s) not in the data: {', '.join(missing[:5])}")
    ordered = [name for name in ov if name in set(ordered)]
    # Exogenous observed variables: predictors only (never dependent, never an indicator).
    dependent = {s["lhs"] for s in statements if s["op"] == "~"} | set(indicators)
    exo_ov = [name for name in ov if name not in dependent and any(
        s["op"] == "~" and s["rhs"] == name for s in statements)]
    endo_lv = {s["lhs"] for s in statements if s["op"] == "~" and s["lhs"] in latent} | {
        s["rhs"] for s in statements if s["op"] == "=~" and s["rhs"] in latent}
    exo_lv = [f for f in latent if f not in endo_lv]
    # lavaan's auto.cov.y: the residuals of variables that are only outcomes (regressed, never a
    # predictor nor an indicator) covary; latent ones first, as lavaan's lv.y then ov.y.
    outcomes = {s["lhs"] for s in statements if s["op"] == "~"} - {s["rhs"] for s in statements if s["op"] in ("~", "=~")}
    pure_y = [f for f in latent if f in outcomes] + [name for name in ov if name in outcomes]

    rows: list[Parameter] = []
    for g in range(1, groups + 1):
        block: list[Parameter] = []
        seen_first: set[str] = set()
        for s in statements:
            row = Parameter(s["lhs"], s["op"], s["rhs"], group=g)
            if s["op"] == "=~" and s["lhs"] not in seen_first:
                seen_first.add(s["lhs"])
                if not std_lv:
                    row.free, row.value = False, 1.0
            _apply(row, s["modifiers"], g)
            block.append(row)
        have = {(r.lhs, r.op, r.rhs) for r in block}
        have |= {(r.rhs, r.op, r.lhs) for r in block if r.op == "~~"}

        def add(lhs, op, rhs, free=True, value=None, _have=have, _block=block, _g=g):
            if (lhs, op, rhs) not in _have:
                _block.append(Parameter(lhs, op, rhs, group=_g, free=free, value=value, user=False))
                _have.add((lhs, op, rhs))

        for name in ov:
            if name in exo_ov:
                continue
            if name in ordered:
                add(name, "~~", name, free=False, value=1.0)  # delta parameterization: not free
            else:
                add(name, "~~", name)
        for f in latent:
            add(f, "~~", f, free=not std_lv, value=1.0 if std_lv else None)
        for i, f1 in enumerate(exo_lv):
            for f2 in exo_lv[i + 1:]:
                add(f1, "~~", f2)
        for i, y1 in enumerate(pure_y):
            for y2 in pure_y[i + 1:]:
                add(y1, "~~", y2)
        for i, x1 in enumerate(exo_ov):  # fixed.x: exogenous observed (co)variances at sample values
            for x2 in exo_ov[i:]:
                add(x1, "~~", x2, free=False)
        if meanstructure or ordered:
            for name in ov:
                if name in ordered:
                    add(name, "~1", "", free=False, value=0.0)
                elif name in exo_ov:
                    add(name, "~1", "", free=False)
                else:
                    add(name, "~1", "", free=int_ov_free, value=None if int_ov_free else 0.0)
            for f in latent:
                add(f, "~1", "", free=int_lv_free, value=None if int_lv_free else 0.0)
        rows.extend(block)
    for row in rows:  # lavaan's fixed.x: these take the sample values
        if not row.user and row.op in ("~~", "~1") and row.lhs in exo_ov and (row.rhs in exo_ov or row.op == "~1"):
            row.extra["fixed_x"] = True
    roles = {"latent": latent, "observed": ov, "ordered": ordered, "exogenous_observed": exo_ov}
    return rows, roles
