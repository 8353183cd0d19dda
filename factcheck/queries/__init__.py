"""Reads: everything the pages and the API show, from a session passed in."""
