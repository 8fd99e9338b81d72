"""The matching core: languages, rules, patterns, scanning and edits. Pure: no git, no network, no UI."""
