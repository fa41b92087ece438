"""Built-in CRPM plugins, installed as the ``crpm_plugins`` package."""
