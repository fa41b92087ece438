"""Atom feeds, sitemap and discovery metadata."""
