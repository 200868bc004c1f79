"""``python -m b12kg`` runs the command line."""

from b12kg.cli import main

main()
