"""`python -m minions` runs the command line."""

from minions.cli.main import main

main()
