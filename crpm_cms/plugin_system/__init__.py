"""plugin_system."""
