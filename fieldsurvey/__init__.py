"""FieldSurvey: offline-first household survey system for village secretaries and county staff."""

__version__ = "0.1.0"
