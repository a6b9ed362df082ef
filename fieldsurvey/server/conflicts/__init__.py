"""The conflict queue: listing conflicts and resolving them."""
