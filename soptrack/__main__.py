"""`python -m soptrack`: the same entry point as the `soptrack` command."""

from soptrack.main import command

command()
