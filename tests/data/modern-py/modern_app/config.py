"""Configuration and files: configparser, json, plistlib, locale, tempfile, tarfile."""

import base64
import configparser
import json
import locale
import mimetypes
import os
import plistlib
import random
import shutil
import tarfile
import tempfile
from pathlib import Path


def read_config(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=configparser.BasicInterpolation())
    with path.open() as fh:
        parser.read_file(fh, source=str(path))
    return parser


def read_json(raw: bytes) -> object:
    return json.loads(raw.decode("utf-8"))


def read_plist(path: Path) -> object:
    with path.open("rb") as fh:
        return plistlib.load(fh)


def encode(data: bytes) -> bytes:
    return base64.encodebytes(data)


def decode(data: bytes) -> bytes:
    return base64.decodebytes(data)


def money(amount: float) -> str:
    locale.setlocale(locale.LC_ALL, "")
    lang, _ = locale.getlocale()
    return f"{lang}: " + locale.format_string("%.2f", amount, grouping=True)


def scratch_file() -> str:
    fd, path = tempfile.mkstemp(suffix=".db")
    os.close(fd)
    return path


def unpack(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def remove(path: Path) -> None:
    def onexc(func, target, exc):  # type: ignore[no-untyped-def]
        os.chmod(target, 0o700)
        func(target)

    shutil.rmtree(path, onexc=onexc)


def known_types(files: list[str]) -> mimetypes.MimeTypes:
    db = mimetypes.MimeTypes()
    for name in files:
        with open(name) as fp:
            db.readfp(fp)  # mimetypes' own readfp, not configparser's
    return db


def pick(users: set[str], k: int) -> list[str]:
    random.seed(42)
    return random.sample(sorted(users), k)


def roll() -> int:
    return random.randrange(10)
