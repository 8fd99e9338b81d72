"""Command-line entry points: parse arguments, call services, print, return an exit code."""
