"""Sync between device stores and the county server.

Layers, each usable alone: ``canonical`` (deterministic JSON), ``keys`` (county and device keys),
``envelope`` (compress, encrypt, sign — the bytes that travel over HTTP or on a USB stick),
``schema`` (what a batch or a feed holds), ``merge`` (the three-way field merge), ``server/``
(the county's FastAPI application) and ``client`` (the device side).
"""
