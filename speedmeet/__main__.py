"""`python -m speedmeet` runs the same command as `speedmeet`."""

from speedmeet.cli import main

main()
