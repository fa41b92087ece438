"""Backups of a deployment: ``crpm backup`` and ``crpm restore`` (see ``services``)."""
