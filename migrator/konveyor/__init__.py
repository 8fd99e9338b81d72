"""Konveyor rule sets, run without a JVM: load them as they are, evaluate them with Tree-sitter,
lxml and regexes, and write Konveyor's `output.yaml`.

Layers inside: `loader` / `conditions` / `model` (rules as frozen values), `facts` (phase one:
what each condition finds in one file, run in the scan's worker processes), `evaluate` / `run`
(phase two: `and` / `or` / `not`, chains, tags, messages) and `bridge` (migrator's own values).
"""
