"""Plugin loading with importlib (the imp module is gone)."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.resources
import importlib.util
import shutil
import sys
import types
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path


def load_source(name: str, path: Path) -> types.ModuleType:
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def is_installed(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def reload_all(modules: list[types.ModuleType]) -> None:
    for module in modules:
        importlib.reload(module)


def empty_module(name: str) -> types.ModuleType:
    return types.ModuleType(name)


def data_files(package: str) -> Iterator[Traversable]:
    yield from importlib.resources.files(package).iterdir()


def compiler() -> str | None:
    return shutil.which("cc")


MAGIC = importlib.util.MAGIC_NUMBER
SUFFIXES = importlib.machinery.SOURCE_SUFFIXES + importlib.machinery.EXTENSION_SUFFIXES
CACHE_TAG = sys.implementation.cache_tag


class Registry:
    """Near-misses: attributes that happen to share names with removed functions."""

    def __init__(self) -> None:
        self.imp = {}  # not the imp module
        self.clock = 0

    def find_loader(self, name: str) -> None:  # a method of our own, not importlib's
        return self.imp.get(name)

    def tick(self) -> int:
        self.clock += 1
        return self.clock
