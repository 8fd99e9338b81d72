"""Packaging with setuptools (distutils was removed in Python 3.12)."""

import sysconfig

from setuptools import Extension, find_packages, setup

include_dirs = [sysconfig.get_paths()["include"]]

setup(
    name="modern-app",
    version="1.0",
    packages=find_packages(exclude=["tests"]),
    ext_modules=[Extension("modern_app._speedups", ["src/speedups.c"], include_dirs=include_dirs)],
    python_requires=">=3.11",
)
