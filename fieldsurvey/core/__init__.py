"""The domain: households, members, visits, ID numbers, code lists, policy and assessment.

Pure Python on purpose: nothing here imports Qt, SQLAlchemy or HTTP, so every rule can be
tested without a display, a database or a network.
"""
