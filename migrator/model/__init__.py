"""Locally served models: providers behind one protocol, configuration, prompts, replies, cache.

Nothing here knows about files on disk or git: the fix service hands a region of code in and
gets a checked replacement text out.
"""
