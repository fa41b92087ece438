"""Built-in CRPM themes (templates and static files), installed as the ``crpm_themes`` package."""
