"""``python -m crpm_cms`` is the ``crpm`` command."""

from crpm_cms.cli import main

main()
