"""Hook implementations of the ``cso_map`` plugin."""
