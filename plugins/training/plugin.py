"""Hook implementations of the ``training`` plugin."""
