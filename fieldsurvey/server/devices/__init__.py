"""Devices: enrollment codes, enrolling, revoking and listing devices (administrators)."""
