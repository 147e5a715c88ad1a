"""The worker side of the GUI: runs the engine runner on a QThread and turns its events into Qt signals."""
