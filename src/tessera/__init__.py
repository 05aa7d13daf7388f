"""Tessera: data-contract coordination between producer and consumer teams."""

__version__ = "0.1.0"
