"""Proposals: breaking changes negotiated with the consumer teams."""
