#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Keeps the house's layering true (docs/design.md, "Layout").

Two graphs between the top-level folders are checked against the intended
direction of dependencies:
  - includes: every `#include "x.h"` in a .c/.h file of a layered folder is
    resolved to the folder that holds x.h;
  - symbols (with --build DIR): every undefined symbol of an object file
    (compile_commands.json maps objects to sources) is resolved to the
    folder whose objects define it.
An edge not in ALLOWED, or any circle, fails with the offending file and
the include or symbol. Within each folder, circles between files (by
symbols) are listed too, and so is a header whose inline code calls a
function of a .c file that includes it (a circle no object file shows);
both fail with --strict-files.

Usage: check-layers.py [--root DIR] [--build DIR] [--strict-files]
Exit: 0 clean, 1 violations, 2 usage.
"""
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

# folder -> folders it may depend on (transitively closed by hand: the
# arrows of docs/design.md). tests/, bench/ and scripts/ sit on top and may
# use anything; they are not checked.
ALLOWED = {
    "proto": set(),
    "policy": {"proto"},
    "ctlwire": set(),
    "dataplane": {"proto", "policy", "ctlwire"},
    "ebpf": {"proto", "policy"},
    "ctl": {"proto", "policy", "ctlwire", "ebpf"},
}
# Headers made at build time or by other projects, not ours to place.
GENERATED = {"vmlinux.h", "mmsgate_xdp.skel.h"}
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(root, path):
    rel = os.path.relpath(os.path.abspath(path), root)
    top = rel.split(os.sep)[0]
    return top if top in ALLOWED else None


def scan_headers(root):
    where = defaultdict(set)
    for top in ALLOWED:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".h", ".def")):
                    where[f].add(top)
    return where


def cycles(edges):
    """Strongly connected components with more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    nodes = set(edges) | {b for bs in edges.values() for b in bs}

    def visit(v):
        # Iterative Tarjan: the graph is ours, but keep to the house rule.
        work = [(v, iter(sorted(edges.get(v, ()))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            n, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                elif nxt in on:
                    low[n] = min(low[n], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[n])
            if low[n] == index[n]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == n:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def check_includes(root, problems):
    where = scan_headers(root)
    for h, tops in sorted(where.items()):
        if len(tops) > 1:
            problems.append(f"header name {h} exists in {sorted(tops)}: includes are ambiguous")
    for top in ALLOWED:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")) or f.endswith(".bpf.c"):
                    continue
                path = os.path.join(d, f)
                text = open(path, encoding="utf-8", errors="replace").read()
                for m in INC.finditer(text):
                    inc = os.path.basename(m.group(1))
                    if inc in GENERATED:
                        continue
                    tops = where.get(inc)
                    if not tops:
                        continue  # a system header written with quotes, or a test's
                    dst = next(iter(tops))
                    if dst != top and dst not in ALLOWED[top]:
                        line = text.count("\n", 0, m.start()) + 1
                        problems.append(
                            f"{os.path.relpath(path, root)}:{line}: includes \"{m.group(1)}\" "
                            f"from {dst}/, but {top}/ may depend only on "
                            f"{sorted(ALLOWED[top]) or 'nothing'}")


def nm(obj):
    r = subprocess.run(["nm", "-g", obj], capture_output=True, text=True)
    defined, undefined = set(), set()
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRVWCG":
            defined.add(parts[2])
    return defined, undefined


def check_symbols(root, build, problems, strict_files):
    cc = os.path.join(build, "compile_commands.json")
    if not os.path.exists(cc):
        problems.append(f"{cc}: missing (configure with CMAKE_EXPORT_COMPILE_COMMANDS)")
        return
    objs = {}
    for e in json.load(open(cc)):
        src = os.path.normpath(os.path.join(e["directory"], e["file"]))
        top = folder_of(root, src)
        out = e.get("output")
        if not out:  # CMake before 3.20 writes no "output": take it from -o
            m = re.search(r"\s-o\s+(\S+)", e.get("command", ""))
            out = m.group(1) if m else None
        if not top or not out:
            continue
        obj = os.path.normpath(os.path.join(e["directory"], out))
        if os.path.exists(obj):
            objs[obj] = (top, os.path.relpath(src, root))
    definer = defaultdict(set)  # symbol -> {(top, src)}
    undefs = {}
    for obj, (top, src) in objs.items():
        d, u = nm(obj)
        for s in d:
            definer[s].add((top, src))
        undefs[obj] = u
    fedges = defaultdict(set)
    file_edges = defaultdict(set)
    for obj, (top, src) in objs.items():
        for s in sorted(undefs[obj]):
            for dtop, dsrc in definer.get(s, ()):
                if dtop == top:
                    if dsrc != src:
                        file_edges[src].add(dsrc)
                    continue
                fedges[top].add(dtop)
                if dtop not in ALLOWED[top]:
                    problems.append(f"{src}: uses symbol {s} defined in {dsrc} "
                                    f"({top}/ may not depend on {dtop}/)")
    for comp in cycles(fedges):
        problems.append("circle between folders by symbols: " + " -> ".join(comp))
    fc = cycles(file_edges)
    for comp in fc:
        msg = "circle between files by symbols: " + " <-> ".join(comp)
        (problems.append if strict_files else print)(("" if strict_files else "note: ") + msg)
    for msg in inline_callbacks(root, definer):
        (problems.append if strict_files else print)(("" if strict_files else "note: ") + msg)


INLINE = re.compile(r"\bstatic\s+(?:__rte_always_inline\s+|inline\s+)[^;{()]*?\b(\w+)\s*\([^;{]*?\)\s*\{")
CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def inline_callbacks(root, definer):
    """A header's inline function that calls a function defined in a .c
    file which includes that header: the two depend on each other, a circle
    no object file shows (the inline code is compiled into its callers)."""
    out = []
    for top in ALLOWED:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if not f.endswith(".h"):
                    continue
                hpath = os.path.join(d, f)
                text = open(hpath, encoding="utf-8", errors="replace").read()
                for m in INLINE.finditer(text):
                    depth, i = 1, m.end()
                    while i < len(text) and depth:
                        depth += {"{": 1, "}": -1}.get(text[i], 0)
                        i += 1
                    for c in sorted(set(CALL.findall(text[m.end():i]))):
                        for dtop, dsrc in sorted(definer.get(c, ())):
                            if dtop != top:
                                continue
                            src_text = open(os.path.join(root, dsrc), encoding="utf-8",
                                            errors="replace").read()
                            if any(os.path.basename(x) == f for x in INC.findall(src_text)):
                                line = text.count("\n", 0, m.start()) + 1
                                out.append(f"{os.path.relpath(hpath, root)}:{line}: inline "
                                           f"{m.group(1)}() calls {c}() of {dsrc}, which "
                                           f"includes {f}: header and file depend on each other")
    return out


def main(argv):
    root, build, strict = os.getcwd(), None, False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            print(__doc__)
            return 0
        if a in ("--root", "--build") and i + 1 < len(argv):
            if a == "--root":
                root = argv[i + 1]
            else:
                build = argv[i + 1]
            i += 2
            continue
        if a == "--strict-files":
            strict = True
            i += 1
            continue
        sys.stderr.write(__doc__)
        return 2
    root = os.path.abspath(root)
    problems = []
    check_includes(root, problems)
    if build:
        check_symbols(root, os.path.abspath(build), problems, strict)
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} violation(s)")
        return 1
    print("layering: clean (" + ", ".join(f"{k} -> {sorted(v) or '-'}" for k, v in ALLOWED.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
