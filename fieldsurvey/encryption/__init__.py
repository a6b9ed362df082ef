"""Encryption at rest shared by the laptop's store and the county server: the key file, SQLCipher keys.

Both keep a random master key wrapped by a passphrase (and a recovery key) in the same key file
format, and both open SQLCipher with a raw 256-bit key. These pieces sit below ``store`` and
``server`` so that neither imports the other. Imports core only; no SQLAlchemy.
"""
