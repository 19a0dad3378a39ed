# Package metadata lives in pyproject.toml; this file exists for tools that
# still call setup.py. Message extraction is configured in babel.cfg.
from setuptools import setup

setup()
