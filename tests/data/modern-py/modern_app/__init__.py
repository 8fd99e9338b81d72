"""A small application written against the current standard library."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("modern-app")
except PackageNotFoundError:
    __version__ = "0.0.0"
