"""Hook implementations of the ``indicators`` plugin."""
