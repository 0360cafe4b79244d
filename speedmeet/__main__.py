"""`python -m speedmeet` runs the same command as `speedmeet`."""

from speedmeet.entry import main

main()
