"""Bytes to text and back, losslessly: `encode(*decode(data)) == data` whenever decode succeeds."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

BINARY_SNIFF_BYTES = 8192

# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_BOMS = tuple(bom for bom, encoding in _BOMS if encoding != "utf-8")

_PYTHON_SUFFIXES = frozenset({".py", ".pyw"})
_CODING_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
_PYTHON_SHEBANG = re.compile(rb"^#!.*python")
_XML_DECLARATION = re.compile(
    rb"""^<\?xml[^>]*?\sencoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z][-\w.]*)["']"""
)
_ALIASES = {"iso8859-1": "latin-1"}  # the name the last-resort fallback is known by
_NEWLINES = ("\n", "\r\n", "\r")


class DecodeError(Exception):
    """A file cannot be read as text, or text cannot be written back in its file's encoding."""


@dataclass(frozen=True)
class TextFormat:
    """How a file's text was stored, so that it can be written back byte for byte."""

    encoding: str  # codec name, normalised: "utf-8", "latin-1", "cp1252", "utf-16-le"…
    bom: bytes  # b"" or the byte-order mark that was present
    newline: str  # the dominant line ending: "\n", "\r\n" or "\r"
    final_newline: bool


def is_binary(data: bytes) -> bool:
    """Whether `data` looks binary: a NUL byte in its first 8 KiB, unless a UTF-16/32 BOM leads."""
    if data.startswith(_WIDE_BOMS):
        return False
    return b"\0" in data[:BINARY_SNIFF_BYTES]


_ONE_SPELLING = frozenset({"utf-8", "ascii", "latin-1", "cp1252", "iso8859-15"})


def decode(data: bytes, *, path: str = "") -> tuple[str, TextFormat]:
    """Decode a file's bytes; line endings are kept as they are, only a BOM is removed.

    The encoding comes from, in order: a BOM; a PEP 263 coding cookie (in Python files, known by
    `path` or a shebang); an XML declaration; else UTF-8, else cp1252, else latin-1. Raises
    DecodeError for binary data, for an unknown or unusable declared encoding, and for bytes
    the declared encoding rejects.
    """
    if is_binary(data):
        raise DecodeError("binary file (a NUL byte in its first 8 KiB)")
    bom, declared, source = _declared_encoding(data, path)
    body = data[len(bom) :]
    if declared is not None:
        text = _decode_declared(body, declared, source, offset=len(bom))
        encoding = declared
    else:
        text, encoding = _decode_undeclared(body)
    fmt = TextFormat(
        encoding=encoding,
        bom=bom,
        newline=_dominant_newline(text),
        final_newline=text.endswith(("\n", "\r")),
    )
    # Some stateful codecs have two spellings for one text; UTF-8 (strict) and the single-byte
    # codecs have one, so the check (a full re-encode) is skipped for them.
    if encoding not in _ONE_SPELLING and encode(text, fmt) != data:
        raise DecodeError(f"{encoding} ({source}) cannot write this file's text back unchanged")
    return text, fmt


def encode(text: str, fmt: TextFormat) -> bytes:
    """Encode `text` with `fmt`'s BOM and encoding; DecodeError for a character it cannot encode."""
    try:
        return fmt.bom + text.encode(fmt.encoding)
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        raise DecodeError(
            f"{fmt.encoding} cannot encode {char!r} (U+{ord(char):04X}) at character {exc.start}"
        ) from None


def _dominant_newline(text: str) -> str:
    # No line ending at all, or a tie, prefers "\n", then "\r\n".
    crlf = text.count("\r\n")
    counts = {"\n": text.count("\n") - crlf, "\r\n": crlf, "\r": text.count("\r") - crlf}
    return max(_NEWLINES, key=lambda newline: counts[newline])


def normalise_newlines(text: str, newline: str) -> str:
    """Give `text` (from a template or a model, any line endings) `newline` as its only ending."""
    if newline not in _NEWLINES:
        raise ValueError(f"not a line ending: {newline!r}")
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    return unified if newline == "\n" else unified.replace("\n", newline)


def _declared_encoding(data: bytes, path: str) -> tuple[bytes, str | None, str]:
    """The BOM, the encoding the file declares (None if it declares none), and where it said so."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return bom, encoding, "byte-order mark"
    suffix = PurePosixPath(path.replace("\\", "/")).suffix.lower()
    if suffix in _PYTHON_SUFFIXES or _PYTHON_SHEBANG.match(data):
        found = _coding_cookie(data)
        if found is not None:
            name, line = found
            source = f"coding cookie on line {line}"
            return b"", _codec(_python_codec_name(name), source), source
    # An XML declaration can only open a file, so it is trusted whatever the file is named.
    if match := _XML_DECLARATION.match(data):
        name = match.group(1).decode("ascii")
        return b"", _codec(name, "XML declaration"), "XML declaration"
    return b"", None, "no declaration"


def _coding_cookie(data: bytes) -> tuple[str, int] | None:
    """PEP 263: a cookie on line 1, or on line 2 if line 1 is blank or only a comment."""
    lines = data[:BINARY_SNIFF_BYTES].splitlines(keepends=True)[:2]
    for number, line in enumerate(lines, start=1):
        if match := _CODING_COOKIE.match(line):
            return match.group(1).decode("ascii"), number
        if not _BLANK_OR_COMMENT.match(line):
            return None
    return None


def _python_codec_name(name: str) -> str:
    """Read a cookie as Python does: Emacs-style "utf-8-unix" is UTF-8, "latin-1-dos" latin-1."""
    lowered = name.lower().replace("_", "-")
    if lowered == "utf-8" or lowered.startswith("utf-8-"):
        return "utf-8"
    for latin in ("latin-1", "iso-8859-1", "iso-latin-1"):
        if lowered == latin or lowered.startswith(f"{latin}-"):
            return "latin-1"
    return name


def _codec(name: str, where: str) -> str:
    """The normalised name of a declared codec; DecodeError if unknown or unusable for a file."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise DecodeError(f"unknown encoding {name!r} in the {where}") from None
    if not _is_ascii_based_text_codec(canonical):
        raise DecodeError(f"encoding {name!r} in the {where} is not an ASCII-based text encoding")
    return _ALIASES.get(canonical, canonical)


def _is_ascii_based_text_codec(name: str) -> bool:
    # A declaration written in ASCII contradicts itself if its encoding spells ASCII otherwise.
    try:
        return "# coding".encode(name) == b"# coding"
    except (LookupError, UnicodeError):  # LookupError: "rot13", "base64"… do not encode text
        return False


def _decode_declared(body: bytes, encoding: str, source: str, *, offset: int) -> str:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        byte = body[exc.start]
        raise DecodeError(
            f"declared encoding {encoding} ({source}) but byte 0x{byte:02x}"
            f" at offset {offset + exc.start} is invalid"
        ) from None


def _decode_undeclared(body: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "cp1252"):
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1"), "latin-1"  # decodes any bytes
