"""Decoding files to text and back, byte for byte."""

from __future__ import annotations

import pytest

from migrator.engine.decoding import (
    DecodeError,
    TextFormat,
    decode,
    encode,
    is_binary,
    normalise_newlines,
)

UTF8 = TextFormat("utf-8", b"", "\n", True)

# (bytes, path, expected text, expected format): every value written out by hand.
ACCEPTED: list[tuple[bytes, str, str, TextFormat]] = [
    (b"print('h\xc3\xa9')\n", "a.py", "print('hé')\n", UTF8),
    (b"", "empty.py", "", TextFormat("utf-8", b"", "\n", False)),
    (b"\xef\xbb\xbfx = 1\n", "bom.py", "x = 1\n", TextFormat("utf-8", b"\xef\xbb\xbf", "\n", True)),
    (
        b"\xff\xfeh\x00i\x00\r\x00\n\x00",
        "wide.txt",
        "hi\r\n",
        TextFormat("utf-16-le", b"\xff\xfe", "\r\n", True),
    ),
    (b"\xfe\xff\x00h\x00i", "wide.txt", "hi", TextFormat("utf-16-be", b"\xfe\xff", "\n", False)),
    (
        b"\xff\xfe\x00\x00h\x00\x00\x00\n\x00\x00\x00",
        "wider.txt",
        "h\n",
        TextFormat("utf-32-le", b"\xff\xfe\x00\x00", "\n", True),
    ),
    (
        b"# -*- coding: latin-1 -*-\ns = '\xe9'\n",
        "legacy.py",
        "# -*- coding: latin-1 -*-\ns = 'é'\n",
        TextFormat("latin-1", b"", "\n", True),
    ),
    (
        b"#!/usr/bin/python\n# vim: set fileencoding=iso-8859-15 :\ns = '\xa4'\n",
        "bin/tool",
        "#!/usr/bin/python\n# vim: set fileencoding=iso-8859-15 :\ns = '€'\n",
        TextFormat("iso8859-15", b"", "\n", True),
    ),
    (
        b"# -*- coding: utf-8-unix -*-\ns = '\xc3\xa9'\n",
        "emacs.py",
        "# -*- coding: utf-8-unix -*-\ns = 'é'\n",
        UTF8,
    ),
    # A cookie after a line of code does not count, so the bytes fall back to cp1252.
    (
        b"import os\n# coding: latin-1\ns = '\xe9'\n",
        "late.py",
        "import os\n# coding: latin-1\ns = 'é'\n",
        TextFormat("cp1252", b"", "\n", True),
    ),
    # A cookie in a file that is not Python does not count either.
    (
        b"# coding: latin-1\n\x80\n",
        "notes.txt",
        "# coding: latin-1\n€\n",
        TextFormat("cp1252", b"", "\n", True),
    ),
    (b"caf\xe9 \x80\n", "menu.txt", "café €\n", TextFormat("cp1252", b"", "\n", True)),
    (b"\x81\x8d\n", "odd.txt", "\x81\x8d\n", TextFormat("latin-1", b"", "\n", True)),
    (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>\xe9</a>\n',
        "web.xml",
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>é</a>\n',
        TextFormat("latin-1", b"", "\n", True),
    ),
    (b"a\r\nb\r\n", "dos.txt", "a\r\nb\r\n", TextFormat("utf-8", b"", "\r\n", True)),
    (b"a\rb\r", "mac.txt", "a\rb\r", TextFormat("utf-8", b"", "\r", True)),
    (b"a\r\nb\r\nc\n", "mixed.txt", "a\r\nb\r\nc\n", TextFormat("utf-8", b"", "\r\n", True)),
    (b"a\nb", "open.txt", "a\nb", TextFormat("utf-8", b"", "\n", False)),
    (
        b"a" * 8192 + b"\x00",
        "late-nul.txt",
        "a" * 8192 + "\x00",
        TextFormat("utf-8", b"", "\n", False),
    ),
]


@pytest.mark.parametrize(("data", "path", "text", "fmt"), ACCEPTED)
def test_decode(data: bytes, path: str, text: str, fmt: TextFormat) -> None:
    assert decode(data, path=path) == (text, fmt)


def test_every_accepted_sample_round_trips_byte_for_byte() -> None:
    for data, path, _, _ in ACCEPTED:
        assert encode(*decode(data, path=path)) == data, path


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "logo.png",
            "binary file (a NUL byte in its first 8 KiB)",
        ),
        (
            b"# coding: utf-8\ns = '\xe9'\n",
            "m.py",
            "declared encoding utf-8 (coding cookie on line 1)"
            " but byte 0xe9 at offset 21 is invalid",
        ),
        (
            b"# coding: klingon\n",
            "m.py",
            "unknown encoding 'klingon' in the coding cookie on line 1",
        ),
        (
            b"# coding: utf-16\n",
            "m.py",
            "encoding 'utf-16' in the coding cookie on line 1 is not an ASCII-based text encoding",
        ),
        (
            b"# coding: rot13\n",
            "m.py",
            "encoding 'rot13' in the coding cookie on line 1 is not an ASCII-based text encoding",
        ),
        (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<a>\xe9</a>\n',
            "pom.xml",
            "declared encoding utf-8 (XML declaration) but byte 0xe9 at offset 42 is invalid",
        ),
        (
            b"\xef\xbb\xbfs = '\xe9'\n",
            "m.py",
            "declared encoding utf-8 (byte-order mark) but byte 0xe9 at offset 8 is invalid",
        ),
        (
            b"\xff\xfeh\x00i",
            "odd.txt",
            "declared encoding utf-16-le (byte-order mark) but byte 0x69 at offset 4 is invalid",
        ),
        # UTF-7 spells "a" both as "a" and as "+AGE-": writing the text back would change the file.
        (
            b'# coding: utf-7\nx = "+AGE-"\n',
            "seven.py",
            "utf-7 (coding cookie on line 1) cannot write this file's text back unchanged",
        ),
    ],
)
def test_decode_refuses(data: bytes, path: str, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(data, path=path)

    assert str(caught.value) == message


def test_is_binary() -> None:
    assert is_binary(b"GIF89a\x00\x01")
    assert not is_binary(b"plain text\n")
    assert not is_binary(b"\xff\xfeh\x00i\x00")  # UTF-16 with a BOM is text despite its NULs
    assert not is_binary(b"x" * 8192 + b"\x00")  # only the first 8 KiB are sniffed


def test_encode_writes_the_bom_and_encoding_back() -> None:
    fmt = TextFormat("utf-16-le", b"\xff\xfe", "\r\n", False)

    assert encode("hé", fmt) == b"\xff\xfeh\x00\xe9\x00"


def test_encode_refuses_a_character_the_encoding_lacks() -> None:
    with pytest.raises(DecodeError) as caught:
        encode("s = '€'\n", TextFormat("latin-1", b"", "\n", True))

    assert str(caught.value) == "latin-1 cannot encode '€' (U+20AC) at character 5"


def test_an_edit_keeps_encoding_and_line_endings() -> None:
    text, fmt = decode(b"# -*- coding: latin-1 -*-\r\nd = {}\r\nd.has_key('\xe9')\r\n", path="x.py")

    edited = text.replace(
        "d.has_key('é')", normalise_newlines("# was has_key\n'é' in d", fmt.newline)
    )

    assert (
        encode(edited, fmt)
        == b"# -*- coding: latin-1 -*-\r\nd = {}\r\n# was has_key\r\n'\xe9' in d\r\n"
    )


@pytest.mark.parametrize(
    ("text", "newline", "expected"),
    [
        ("a\nb\n", "\r\n", "a\r\nb\r\n"),
        ("a\r\nb\n", "\r\n", "a\r\nb\r\n"),
        ("a\r\nb\rc\n", "\n", "a\nb\nc\n"),
        ("a\nb", "\r", "a\rb"),
        ("no ending", "\r\n", "no ending"),
    ],
)
def test_normalise_newlines(text: str, newline: str, expected: str) -> None:
    assert normalise_newlines(text, newline) == expected


def test_normalise_newlines_rejects_what_is_not_a_line_ending() -> None:
    with pytest.raises(ValueError, match="not a line ending"):
        normalise_newlines("a\n", "\n\n")
