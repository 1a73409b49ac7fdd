"""The `minions` command line: one thin module per command group, each calling a stage function."""
