"""A throwaway third-party CRPM plugin: notes at ``/example/``, implementing every hook."""
