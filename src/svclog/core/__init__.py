"""Domain objects, validation, errors and time handling. Standard library only."""
