"""The text engine and the pure formats: plain Python, no Flask, no database."""
