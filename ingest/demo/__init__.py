"""The demo: a deterministic corpus of Arabic and English news from fictional outlets, served as real
feeds on a loopback HTTP server and replayed week by week through the real ingest pipeline.

corpus.generate_corpus() makes the items (pure); feedfiles renders them as RSS/Atom; build.build_demo()
replays 26 weeks into a DuckDB file.
"""
