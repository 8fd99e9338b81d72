"""The matching core: languages, rules, patterns, scanning and edits.

Pure: no git, no network, no UI, and it never writes a user's file (it returns edits).
"""
