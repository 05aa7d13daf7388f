"""Search across assets, columns of current contracts and teams ("who reads column X?")."""
