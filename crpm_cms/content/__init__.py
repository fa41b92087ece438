"""News, publications and static pages, with the editorial workflow."""
