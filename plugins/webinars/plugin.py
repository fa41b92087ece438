"""Hook implementations of the ``webinars`` plugin."""
