"""Reading YAML that a user wrote (instrument, mapping, interventions): safe and bounded.

YAML's anchors and aliases let a file of 1 KB stand for a tree of a billion values (the
"billion laughs"): PyYAML's safe loader builds it cheaply as shared objects, and the first walk
over it (a check, a copy, ``json.dumps``) runs out of memory. Every YAML file of the project is
read by :func:`load_yaml`, whose :class:`BoundedSafeLoader` allows aliases (a mapping may reuse
one answer table for several items) but refuses, in one line, a document whose aliases add
more than :data:`MAX_ALIAS_EXPANSION` values to what the file itself holds, an alias of a node
that contains it (a cycle), or nesting deeper than :data:`MAX_YAML_DEPTH`.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["load_yaml", "BoundedSafeLoader", "YAMLBoundExceeded", "MAX_ALIAS_EXPANSION", "MAX_YAML_DEPTH"]

#: Values that aliases may add to a document beyond those written in it (the project's own
#: files use no aliases; data/instrument.yaml holds some 1,000 values in all).
MAX_ALIAS_EXPANSION = 10_000
#: Levels of nesting, aliases expanded (data/instrument.yaml has 7).
MAX_YAML_DEPTH = 100


class YAMLBoundExceeded(yaml.YAMLError):
    """A document refused by a bound of :class:`BoundedSafeLoader`; ``str()`` is one line."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark

    def __str__(self) -> str:
        return f"line {self.problem_mark.line + 1}: {self.problem}" if self.problem_mark else self.problem


class BoundedSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader with bounds on nesting and on what aliases expand to.

    Examples
    --------
    >>> bomb = "a: &a [x, x, x, x, x, x, x, x, x]\\n" + "".join(
    ...     f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\\n" for p, n in zip("abcdefgh", "bcdefghi"))
    >>> len(bomb) < 1024
    True
    >>> load_yaml(bomb)
    Traceback (most recent call last):
    ...
    monitor.core.yaml_files.YAMLBoundExceeded: line 5: aliases expand the document beyond its 10,000 allowed extra values (a "billion laughs" file?)
    >>> load_yaml("agree: &agree {1: eens, 2: oneens}\\nq1: *agree\\nq2: *agree")["q2"]
    {1: 'eens', 2: 'oneens'}
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self._depth >= MAX_YAML_DEPTH:
            raise YAMLBoundExceeded(f"nested deeper than {MAX_YAML_DEPTH} levels", self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        if node is not None:
            _check_expansion(node)
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a node graph whose tree (aliases expanded) is too deep, cyclic, or more than
    :data:`MAX_ALIAS_EXPANSION` values larger than the graph; linear in the graph's size."""
    sizes: dict[int, int] = {}  # expanded size of each distinct node (id), memoised: shared nodes cost once
    visiting: set[int] = set()
    written = 0

    def size(node: yaml.Node, depth: int) -> int:
        nonlocal written
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise YAMLBoundExceeded("an alias refers to a node that contains it", node.start_mark)
        if depth > MAX_YAML_DEPTH:
            raise YAMLBoundExceeded(f"nested deeper than {MAX_YAML_DEPTH} levels (aliases expanded)", node.start_mark)
        visiting.add(key)
        written += 1
        total = 1 + sum(size(child, depth + 1) for child in _children(node))
        visiting.discard(key)
        sizes[key] = total
        if total - written > MAX_ALIAS_EXPANSION:
            raise YAMLBoundExceeded(f"aliases expand the document beyond its {MAX_ALIAS_EXPANSION:,} allowed extra "
                                    'values (a "billion laughs" file?)', node.start_mark)
        return total

    size(root, 0)


def load_yaml(text: str, loader: type[BoundedSafeLoader] = BoundedSafeLoader) -> Any:
    """The one document in ``text``, read by ``loader`` (:class:`BoundedSafeLoader` or a subclass).

    Raises ``yaml.YAMLError`` for text that is no valid YAML, and its subclass
    :class:`YAMLBoundExceeded` (one line) for a document beyond the bounds.
    """
    if not (isinstance(loader, type) and issubclass(loader, BoundedSafeLoader)):
        raise TypeError("loader must be BoundedSafeLoader or a subclass of it")
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
