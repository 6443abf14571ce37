"""Turning results into text: one neutral shape, one writer per `--format`."""
