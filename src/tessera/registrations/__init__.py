"""Registrations: consumer teams declaring which assets they read."""
