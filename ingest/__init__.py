"""Marsad's ingest side: feeds in, tagged articles stored in DuckDB."""

__version__ = "0.1.0"
