"""collections.abc and builtin generics (PEP 585) instead of typing aliases."""

from __future__ import annotations

import collections
import collections.abc
import re
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Optional, Protocol, TypeVar

T = TypeVar("T")


class Registry(MutableMapping[str, int]):
    def __init__(self) -> None:
        self._data: dict[str, int] = {}

    def __getitem__(self, key: str) -> int:
        return self._data[key]

    def __setitem__(self, key: str, value: int) -> None:
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Sink(Protocol):
    def write(self, data: bytes) -> int: ...


def first(items: Sequence[T]) -> Optional[T]:
    return items[0] if items else None


def group(words: Iterable[str]) -> dict[str, list[str]]:
    out: defaultdict[str, list[str]] = defaultdict(list)
    for word in words:
        out[word[0]].append(word)
    return dict(out)


def counts(words: Iterable[str]) -> Counter[str]:
    return Counter(words)


def is_mapping(value: Any) -> bool:
    return isinstance(value, (Mapping, collections.abc.Mapping))


def apply(func: Callable[[int], str], values: list[int]) -> tuple[str, ...]:
    return tuple(func(v) for v in values)


def ordered(pairs: list[tuple[str, int]]) -> OrderedDict[str, int]:
    return collections.OrderedDict(pairs)


def window(values: Iterable[int], size: int) -> deque[int]:
    return deque(values, maxlen=size)


def pattern(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def kinds() -> type[dict[str, int]]:
    return dict


def managed(resource: AbstractContextManager[T]) -> AbstractContextManager[T]:
    return resource


def buffer(data: bytes | bytearray | memoryview) -> int:
    return len(data)
