"""``python -m app.cli``: the ``nrtd`` command."""

from app.cli import main

main()
