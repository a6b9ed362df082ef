"""The change feed a device downloads, over HTTP or as an update file for a USB stick."""
