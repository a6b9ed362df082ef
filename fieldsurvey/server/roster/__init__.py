"""Importing the county roster: the JSON roster format and the Excel roster (upload, mapping, check, import)."""
