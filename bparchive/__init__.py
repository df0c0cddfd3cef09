"""bparchive: an offline archive of official e-mail with Vietnamese-aware search."""

__version__ = "0.1.0"
