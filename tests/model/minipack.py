"""A tiny rule pack and a legacy file for the model tests: one rule the model must fix (print
statements), one with a deterministic fix (has_key) whose own example is the few-shot."""

from __future__ import annotations

from pathlib import Path

RULESET = "name: mini\ndescription: model tests\nlanguages: [python]\n"
RULES = """\
id: mini-print
language: python
message: "print is a function in Python 3"
severity: error
query: (print_statement) @match
hint: "Rewrite as a call: `print x, y` -> `print(x, y)`."
tests:
  fixes:  # no `fix`: these are the model's few-shot examples
    - before: "print 'total:', n\\n"
      after: "print('total:', n)\\n"
---
id: mini-exec
language: python
message: "exec is a function in Python 3"
severity: error
query: (exec_statement) @match
---
id: mini-has-key
language: python
message: "dict.has_key($K) is gone"
severity: error
pattern: $D.has_key($K)
fix: $K in $D
tests:
  fixes:
    - before: "r = d.has_key(k)\\n"
      after: "r = k in d\\n"
"""

PADDING = "".join(f"\n\ndef helper_{n}():\n    return {n}\n" for n in range(20))
GREET = 'def greet(name):\n    print "hello", name\n    return name\n'
GREET_FIXED = 'def greet(name):\n    print("hello", name)\n    return name\n'
SOURCE = f"import os\n\n\n{GREET}\n\ndef lookup(d, k):\n    return d.has_key(k)\n{PADDING}"


def write_pack(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ruleset.yaml").write_text(RULESET)
    (folder / "rules.yaml").write_text(RULES)
    return folder
