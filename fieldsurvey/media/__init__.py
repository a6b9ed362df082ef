"""Pictures: decoding, orienting, scaling and re-encoding the photos a user attaches.

Decoding images is neither domain (``core``) nor storage (``store``): it needs Pillow, and the
app, the demo and the benchmark use it without a store. It imports ``core`` only.
"""
