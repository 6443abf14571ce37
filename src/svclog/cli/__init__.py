"""The Typer command line: parses options, calls storage and reports, hands results to render."""
