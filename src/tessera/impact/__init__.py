"""Impact analysis: what a proposed contract would break, for whom, and what lies downstream."""
