"""Teams: owners of assets and consumers of others' assets."""
