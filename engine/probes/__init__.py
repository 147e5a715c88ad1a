"""What the views show, computed as numpy arrays."""
