"""Line numbers in YAML files, for error messages (`file:line: …`): one helper for every
hand-edited YAML input (manifest, glossary, presentation, corrections, filter patterns)."""
from __future__ import annotations

import yaml

# libyaml's parser when PyYAML has it (about ten times faster than the pure-Python one; same
# nodes, marks and errors)
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str):
    """yaml.safe_load with the fast loader (raises yaml.YAMLError)."""
    return yaml.load(text, Loader=LOADER)


def _root(text: str):
    try:
        return yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError:
        return None


def error_line(exc: yaml.YAMLError) -> int | None:
    """1-based line of a YAML syntax error (None when PyYAML gives no position)."""
    mark = getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def item_lines(text: str, key: str) -> list[int]:
    """1-based line of each item of the top-level sequence `key:` ([] when there is none)."""
    root = _root(text)
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if k.value == key and isinstance(v, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in v.value]
    return []


def mapping_lines(text: str, key: str) -> dict[str, int]:
    """Under the top-level mapping `key:`: {child: line, "child/grandchild": line}."""
    out: dict[str, int] = {}
    root = _root(text)
    if not isinstance(root, yaml.MappingNode):
        return out
    for k, v in root.value:
        if k.value == key and isinstance(v, yaml.MappingNode):
            for ck, cv in v.value:
                out[ck.value] = ck.start_mark.line + 1
                if isinstance(cv, yaml.MappingNode):
                    for gk, _gv in cv.value:
                        out[f"{ck.value}/{gk.value}"] = gk.start_mark.line + 1
    return out


def scalar_line(text: str, value: str) -> int | None:
    """1-based line of the first scalar equal to `value` anywhere in the document."""
    stack = [_root(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if node.value == value:
                return node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(reversed([v for _k, v in node.value]))
    return None
