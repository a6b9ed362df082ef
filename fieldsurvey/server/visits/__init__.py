"""Visits as county staff read and review them."""
