"""Photos in the desktop app: thumbnails, the viewer, importing off the UI thread, the camera."""
