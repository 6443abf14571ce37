"""svclog: a command-line journal of service encounters."""

__version__ = "0.1.0"
