"""Exports for reporting upward (CSV or XLSX): households, members, visits, assessments, answers."""
