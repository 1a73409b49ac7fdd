"""CodeBLEU (Ren et al. 2020) on the project's tree-sitter grammars, for java, python and kotlin.

CodeBLEU = 0.25 ngram + 0.25 weighted_ngram + 0.25 syntax + 0.25 dataflow (weights configurable), every
component a corpus score (counts summed over all records before dividing), as in the reference
implementation (microsoft/CodeXGLUE, Code-Code/code-to-code-trans/evaluator/CodeBLEU). Both texts are
parsed with tree-sitter; comments (and Python docstrings) are dropped first.

- ngram: BLEU-4 on code tokens, the tree's leaves (a string or character literal is one token), not
  whitespace-split words: clipped n-gram precision, brevity penalty, and the reference's smoothing
  (a precision with no match counts 0.1 matches; no unigram match at all gives 0).
- weighted_ngram: as the reference's `weighted_ngram_match`: n-gram *recall* against the reference's
  n-grams (clipped matches / reference n-grams, each denominator at least 1), the unigrams weighted
  1.0 for a language keyword and 0.2 for any other token (keywords count 5x), the same brevity
  penalty and smoothing.
- syntax: the reference's subtrees, one per named node that has children (and the root), written as an
  s-expression of named node types with field names and no leaf text; the share of them found in the
  candidate, matched with multiplicity clipping (a subtree the reference has twice matches at most as
  often as the candidate has it; the reference implementation does not clip).
- dataflow: see `dataflow_edges`; the share of the reference's edges found in the candidate's, each
  candidate edge matched once, as the reference implementation does. When no reference in the corpus
  has an edge the reference implementation divides by zero; the `codebleu` package (k4black) then
  counts the component as 1 in the total. We do the same and report dataflow 1.0 for that case.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tree_sitter import Node

from minions.errors import UserError

Edge = tuple[str, str, tuple[str, ...]]  # (variable, "comesFrom" | "computedFrom", parent variables)
Weights = tuple[float, float, float, float]

_STRING_TYPES = frozenset(
    {"string_literal", "character_literal", "text_block", "string", "line_string_literal", "multi_line_string_literal"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


JAVA_KEYWORDS = _words(
    """abstract assert boolean break byte case catch char class const continue default do double else enum
    extends final finally float for goto if implements import instanceof int interface long native new package
    private protected public return short static strictfp super switch synchronized this throw throws transient
    try void volatile while true false null var record yield sealed permits non-sealed"""
)
PYTHON_KEYWORDS = _words(
    """False None True and as assert async await break class continue def del elif else except finally for
    from global if import in is lambda nonlocal not or pass raise return try while with yield match case
    type"""
)
KOTLIN_KEYWORDS = _words(
    """as break class continue do else false for fun if in interface is null object package return super
    this throw true try typealias typeof val var when while by catch constructor delegate dynamic field file
    finally get import init param property receiver set setparam value where abstract actual annotation
    companion const crossinline data enum expect external final infix inline inner internal lateinit
    noinline open operator out override private protected public reified sealed suspend tailrec vararg"""
)


@dataclass(frozen=True)
class _Def:
    """A definition found at a node: the identifiers it defines, the expressions they are computed
    from, whether the old value is read too (`x += y`, `i++`), and the children it accounts for."""

    targets: list[Node]
    values: list[Node] = field(default_factory=list)
    compound: bool = False
    consumed: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class _Spec:
    grammar: str
    keywords: frozenset[str]
    identifier: str
    is_variable: Callable[[Node], bool]
    definition: Callable[[Node], _Def | None]


def _field_is(node: Node, parent: Node, name: str) -> bool:
    child = parent.child_by_field_name(name)
    return child is not None and child.id == node.id


# ---- Java -------------------------------------------------------------------------------------------

_JAVA_NAMES = {
    "method_invocation": "name",
    "field_access": "field",
    "method_declaration": "name",
    "constructor_declaration": "name",
    "class_declaration": "name",
    "interface_declaration": "name",
    "enum_declaration": "name",
    "record_declaration": "name",
    "annotation_type_declaration": "name",
    "marker_annotation": "name",
    "annotation": "name",
    "element_value_pair": "key",
    "enum_constant": "name",
}
_JAVA_NOT_VARIABLES = (
    "scoped_identifier",
    "method_reference",
    "labeled_statement",
    "break_statement",
    "continue_statement",
)


def _java_is_variable(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return True
    if parent.type in (
        "scoped_identifier",
        "method_reference",
        "labeled_statement",
        "break_statement",
        "continue_statement",
    ):
        return False
    name = _JAVA_NAMES.get(parent.type)
    return name is None or not _field_is(node, parent, name)


def _java_definition(node: Node) -> _Def | None:
    t = node.type
    if t in ("variable_declarator", "enhanced_for_statement", "resource"):
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or name.type != "identifier":
            return None
        values = [value] if value is not None else []
        return _Def([name], values, consumed=[name, *values])
    if t == "assignment_expression":
        left, right, op = (node.child_by_field_name(f) for f in ("left", "right", "operator"))
        if left is None or right is None or left.type != "identifier":
            return None
        return _Def([left], [right], compound=op is not None and op.type != "=", consumed=[left, right])
    if t == "update_expression":
        ids = [c for c in node.children if c.type == "identifier"]
        return _Def(ids, compound=True, consumed=ids) if ids else None
    if t in ("formal_parameter", "catch_formal_parameter", "spread_parameter"):
        name = node.child_by_field_name("name")
        if name is None:  # spread_parameter: the declarator holds the name
            decl = next((c for c in node.children if c.type == "variable_declarator"), None)
            name = decl.child_by_field_name("name") if decl is not None else None
        return _Def([name], consumed=[name]) if name is not None and name.type == "identifier" else None
    if t == "inferred_parameters":
        ids = [c for c in node.children if c.type == "identifier"]
        return _Def(ids, consumed=ids)
    if t == "lambda_expression":
        params = node.child_by_field_name("parameters")
        if params is not None and params.type == "identifier":
            return _Def([params], consumed=[params])
    return None


# ---- Python -----------------------------------------------------------------------------------------

_PY_NAMES = {
    "call": "function",
    "attribute": "attribute",
    "function_definition": "name",
    "class_definition": "name",
    "keyword_argument": "name",
}
_PY_PATTERNS = ("pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "parenthesized_expression")


def _python_is_variable(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return True
    if parent.type in ("dotted_name", "aliased_import", "decorator", "import_from_statement", "import_statement"):
        return False
    name = _PY_NAMES.get(parent.type)
    return name is None or not _field_is(node, parent, name)


def _pattern_ids(node: Node) -> list[Node] | None:
    """The identifiers a target pattern binds (`x`, `x, (y, z)`), or None when it is not only names."""
    if node.type == "identifier":
        return [node]
    if node.type not in _PY_PATTERNS:
        return None
    found: list[Node] = []
    for c in node.named_children:
        ids = _pattern_ids(c)
        if ids is None:
            return None
        found += ids
    return found


def _python_definition(node: Node) -> _Def | None:
    t = node.type
    if t in ("assignment", "augmented_assignment", "for_statement", "for_in_clause"):
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        ids = _pattern_ids(left) if left is not None else None
        if ids is None:
            return None
        values = [right] if right is not None else []
        return _Def(ids, values, compound=t == "augmented_assignment", consumed=[left, *values])
    if t == "named_expression":
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        return _Def([name], [value], consumed=[name, value]) if name is not None and value is not None else None
    if t in ("parameters", "lambda_parameters"):
        targets, values = [], []
        for c in node.named_children:
            if c.type == "identifier":
                targets.append(c)
            elif c.type in ("default_parameter", "typed_default_parameter"):
                targets.append(c.child_by_field_name("name"))
                values.append(c.child_by_field_name("value"))
            elif c.type in ("typed_parameter", "list_splat_pattern", "dictionary_splat_pattern"):
                targets += [i for i in c.named_children if i.type == "identifier"][:1]
        targets = [n for n in targets if n is not None and n.type == "identifier"]
        values = [v for v in values if v is not None]
        return _Def(targets, values, consumed=list(node.children))
    if t == "as_pattern":
        alias = node.child_by_field_name("alias")
        value = node.named_children[0] if node.named_children else None
        ids = [i for i in alias.named_children if i.type == "identifier"] if alias is not None else []
        if not ids or value is None:
            return None
        return _Def(ids, [value], consumed=[alias, value])
    return None


# ---- Kotlin -----------------------------------------------------------------------------------------


def _kotlin_is_variable(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return True
    if parent.type in ("navigation_suffix", "function_declaration", "identifier", "label", "type_alias"):
        return False  # member name, function name, a dotted name in an import or package header
    if parent.type == "call_expression" and parent.child(0).id == node.id:
        return False  # the called function
    if parent.type == "value_argument":
        nxt = node.next_sibling
        return not (nxt is not None and nxt.type == "=")  # a named argument's name
    return True


def _kotlin_declared(node: Node | None) -> list[Node]:
    """The names a variable_declaration or multi_variable_declaration binds."""
    if node is None:
        return []
    if node.type == "variable_declaration":
        return [c for c in node.children if c.type == "simple_identifier"][:1]
    if node.type == "multi_variable_declaration":
        return [n for c in node.named_children for n in _kotlin_declared(c)]
    return []


def _kotlin_definition(node: Node) -> _Def | None:
    t = node.type
    kids = node.children
    if t in ("property_declaration", "for_statement"):
        decl = next((c for c in kids if c.type in ("variable_declaration", "multi_variable_declaration")), None)
        marker = "=" if t == "property_declaration" else "in"
        after = next((i for i, c in enumerate(kids) if c.type == marker), None)
        values = [c for c in kids[after + 1 :] if c.is_named] if after is not None else []
        if t == "for_statement":
            values = values[:1]  # the loop's body is visited after
        names = _kotlin_declared(decl)
        return _Def(names, values, consumed=[decl, *values]) if names else None
    if t == "assignment":
        target = kids[0] if kids else None
        ids = [c for c in target.children if c.type == "simple_identifier"] if target is not None else []
        if target is None or len(target.children) != 1 or not ids:
            return None
        values = [c for c in kids[2:] if c.is_named]
        return _Def(ids, values, compound=kids[1].type != "=", consumed=[target, *values])
    if t in ("postfix_expression", "prefix_expression"):
        ops = {c.type for c in kids}
        ids = [c for c in kids if c.type == "simple_identifier"]
        return _Def(ids, compound=True, consumed=ids) if ids and ops & {"++", "--"} else None
    if t in ("parameter", "class_parameter", "catch_block"):
        ids = [c for c in kids if c.type == "simple_identifier"][:1]
        return _Def(ids, consumed=ids) if ids else None
    if t == "lambda_parameters":
        ids = [n for c in node.named_children for n in _kotlin_declared(c)]
        return _Def(ids, consumed=list(kids))
    return None


SPECS: dict[str, _Spec] = {
    "java": _Spec("java", JAVA_KEYWORDS, "identifier", _java_is_variable, _java_definition),
    "python": _Spec("python", PYTHON_KEYWORDS, "identifier", _python_is_variable, _python_definition),
    "kotlin": _Spec("kotlin", KOTLIN_KEYWORDS, "simple_identifier", _kotlin_is_variable, _kotlin_definition),
}


def _spec(lang: str) -> _Spec:
    if lang not in SPECS:
        raise UserError(f"CodeBLEU does not know language {lang!r}: use one of {', '.join(sorted(SPECS))}")
    return SPECS[lang]


# ---- parsing and tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Code:
    """A parsed snippet: its source bytes, the root, and the ids of the nodes to skip (comments,
    docstrings)."""

    src: bytes
    root: Node
    skip: frozenset[int]

    def text(self, node: Node) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _is_docstring(node: Node) -> bool:
    """A string that is the first statement of a Python module, class or function body."""
    inner = node.named_children[0] if node.type == "expression_statement" and node.named_child_count == 1 else node
    if inner.type != "string" or node.parent is None or node.parent.type not in ("module", "block"):
        return False
    first = next((c for c in node.parent.named_children if "comment" not in c.type), None)
    return first is not None and first.id == node.id


def _parse(code: str, spec: _Spec, parser) -> _Code:
    src = code.encode("utf-8")
    root = parser.parse(src).root_node
    skip = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if "comment" in n.type or (spec.grammar == "python" and _is_docstring(n)):
            skip.add(n.id)
            continue
        stack.extend(n.children)
    return _Code(src, root, frozenset(skip))


def _children(code: _Code, node: Node) -> list[Node]:
    return [c for c in node.children if c.id not in code.skip]


def code_tokens(code: _Code) -> list[str]:
    """The tree's leaves in source order (a string literal whole), without comments and empty leaves."""
    out: list[str] = []
    stack = [code.root]
    while stack:
        n = stack.pop()
        kids = _children(code, n)
        if not n.children or n.type in _STRING_TYPES:
            if n.end_byte > n.start_byte:
                out.append(code.text(n))
            continue
        stack.extend(reversed(kids))
    return out


# ---- ngram and weighted ngram ------------------------------------------------------------------------


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _bleu(pairs: list[tuple[list[str], list[str]]], weight: Callable[[str], float] | None = None) -> float:
    """Corpus BLEU-4 with the reference implementation's smoothing (method1, epsilon 0.1). Without
    `weight`: clipped precision. With it: the weighted_ngram variant, a recall over the reference's
    n-grams with unigrams weighted by `weight(token)`."""
    num, den = [0.0] * 4, [0.0] * 4
    hyp_len = ref_len = 0
    for hyp, ref in pairs:
        hyp_len, ref_len = hyp_len + len(hyp), ref_len + len(ref)
        for n in range(1, 5):
            hyp_counts, ref_counts = _ngrams(hyp, n), _ngrams(ref, n)
            if weight is None:
                num[n - 1] += sum(min(c, ref_counts[g]) for g, c in hyp_counts.items())
                den[n - 1] += max(1, sum(hyp_counts.values()))
                continue
            w = (lambda g: weight(g[0])) if n == 1 else (lambda g: 1.0)
            num[n - 1] += sum(w(g) * min(c, hyp_counts[g]) for g, c in ref_counts.items())
            den[n - 1] += max(1, sum(w(g) * c for g, c in ref_counts.items()))
    if num[0] == 0:
        return 0.0
    bp = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    logs = [math.log((m if m else 0.1) / d) for m, d in zip(num, den, strict=True)]
    return bp * math.exp(sum(logs) / 4)


# ---- syntax -------------------------------------------------------------------------------------------


def subtrees(code: _Code) -> Counter:
    """Every named node with children (and the root) as an s-expression of named node types with
    field names, no leaf text, counted. Built bottom-up without recursion: generated code can nest
    deeper than Python's recursion limit."""
    sexp: dict[int, str] = {}
    found: Counter = Counter()
    stack: list[tuple[Node, bool]] = [(code.root, False)]
    while stack:
        node, done = stack.pop()
        kids = [(i, c) for i, c in enumerate(node.children) if c.is_named and c.id not in code.skip]
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for _, c in kids)
            continue
        inner = "".join(
            f" {name}: {sexp[c.id]}" if (name := node.field_name_for_child(i)) else f" {sexp[c.id]}" for i, c in kids
        )
        sexp[node.id] = f"({node.type}{inner})"
        if node.id == code.root.id or (node.is_named and node.children):
            found[sexp[node.id]] += 1
    return found


# ---- dataflow -----------------------------------------------------------------------------------------


def dataflow_edges(code: str, lang: str) -> list[Edge]:
    """The data-flow graph of a snippet, variables normalised, as CodeBLEU compares it.

    A simplified version of the reference implementation's DFG, the same for every language (the
    language decides only which nodes define variables and which identifiers are names, not
    variables):
    - a variable is an identifier that is not a called function, a member after a dot, a declared
      function/class name, a named argument, or part of an import;
    - definitions: declarations with an initializer, assignments, for-loop variables, parameters
      (lambda and catch too), `with ... as` names (Python), `x := v`;
    - each defined name gets an edge `(name, "computedFrom", [variables of the value, in order, each
      once])`; a compound update (`x += y`, `i++`) also reads the old value, `[x, y]`; a definition
      with no variables on its right (a parameter, `x = 1`) adds no edge but defines the name;
    - each use of a name that was defined earlier gets `(name, "comesFrom", [name])`;
    - control flow is not followed: definitions count in source order, with no scopes and no merging
      of branches (the reference merges if/else states and walks loops twice); a tuple assignment
      `a, b = x, y` makes both names computed from all of `x, y`;
    - the edges, in source order, are normalised as the reference's `normalize_dataflow`: each name
      becomes `var_i` by first appearance (an edge's parents before its variable), so renaming a
      variable everywhere keeps the graph.
    Kotlin gets the same treatment from its own node types (property declarations, assignments,
    ++/--, parameters, for, lambda and catch parameters); there is no Kotlin DFG in the reference.
    """
    spec = _spec(lang)
    from minions.parsing import LANGUAGES

    return _edges(_parse(code, spec, LANGUAGES[lang].parser()), spec)


def _edges(code: _Code, spec: _Spec) -> list[Edge]:
    defined: set[str] = set()
    raw: list[tuple[int, str, str, tuple[str, ...]]] = []

    def variables(nodes: list[Node]) -> list[str]:
        names: list[str] = []
        stack = list(reversed(nodes))
        while stack:
            n = stack.pop()
            if n.type == spec.identifier and spec.is_variable(n) and code.text(n) not in names:
                names.append(code.text(n))
            stack.extend(reversed(_children(code, n)))
        return names

    def define(d: _Def, parents: list[str]) -> None:
        for t in d.targets:
            name = code.text(t)
            from_ = ([name] if d.compound else []) + [p for p in parents if not (d.compound and p == name)]
            if from_:
                raw.append((t.start_byte, name, "computedFrom", tuple(from_)))
        defined.update(code.text(t) for t in d.targets)

    # a node is visited by popping it; a definition's values are visited, then its targets defined,
    # then its other children visited (an explicit stack: no recursion limit on deep code)
    stack: list[Node | _Def] = [code.root]
    while stack:
        item = stack.pop()
        if isinstance(item, _Def):
            define(item, variables(item.values))
            continue
        d = spec.definition(item)
        if d is None:
            if item.type == spec.identifier and spec.is_variable(item) and code.text(item) in defined:
                raw.append((item.start_byte, code.text(item), "comesFrom", (code.text(item),)))
            stack.extend(reversed(_children(code, item)))
            continue
        consumed = {n.id for n in d.consumed if n is not None}
        stack.extend(reversed([c for c in _children(code, item) if c.id not in consumed]))
        stack.append(d)
        stack.extend(reversed(d.values))

    return _normalise(sorted(raw, key=lambda e: e[0]))


def _normalise(raw: list[tuple[int, str, str, tuple[str, ...]]]) -> list[Edge]:
    names: dict[str, str] = {}

    def norm(name: str) -> str:
        return names.setdefault(name, f"var_{len(names)}")

    out = []
    for _, var, relation, parents in raw:
        ps = tuple(norm(p) for p in parents)
        out.append((norm(var), relation, ps))
    return out


def _multiset_share(ref: Counter, cand: Counter) -> tuple[int, int]:
    return sum(min(c, cand[k]) for k, c in ref.items()), sum(ref.values())


# ---- the score ----------------------------------------------------------------------------------------


def codebleu(
    preds: Sequence[str], refs: Sequence[str], lang: str, weights: Weights = (0.25, 0.25, 0.25, 0.25)
) -> dict[str, float]:
    """Corpus CodeBLEU of predictions against references (one each) in `lang` (java, python, kotlin):
    keys codebleu, ngram, weighted_ngram, syntax, dataflow, each in 0..1 (see the module doc)."""
    spec = _spec(lang)
    if len(preds) != len(refs):
        raise UserError(f"{len(preds)} predictions for {len(refs)} references: pass one prediction per reference")
    if not preds:
        raise UserError("CodeBLEU needs at least one prediction: evaluate on a non-empty set of records")
    from minions.parsing import LANGUAGES

    parser = LANGUAGES[lang].parser()
    parsed = [(_parse(p, spec, parser), _parse(r, spec, parser)) for p, r in zip(preds, refs, strict=True)]
    tokens = [(code_tokens(p), code_tokens(r)) for p, r in parsed]

    def keyword_weight(token: str) -> float:
        return 1.0 if token in spec.keywords else 0.2

    syn_match = syn_total = flow_match = flow_total = 0
    for p, r in parsed:
        m, t = _multiset_share(subtrees(r), subtrees(p))
        syn_match, syn_total = syn_match + m, syn_total + t
        m, t = _multiset_share(Counter(_edges(r, spec)), Counter(_edges(p, spec)))
        flow_match, flow_total = flow_match + m, flow_total + t
    scores = {
        "ngram": _bleu(tokens),
        "weighted_ngram": _bleu(tokens, keyword_weight),
        "syntax": syn_match / syn_total,
        "dataflow": flow_match / flow_total if flow_total else 1.0,
    }
    parts = (scores["ngram"], scores["weighted_ngram"], scores["syntax"], scores["dataflow"])
    scores["codebleu"] = sum(w * v for w, v in zip(weights, parts, strict=True))
    return scores
