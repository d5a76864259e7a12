"""tallyroom: run and analyse the internal elections of a membership organisation."""

__version__ = "0.1.0"
