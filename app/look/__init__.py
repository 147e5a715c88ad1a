"""What every view and the editor share: one colour scheme, the themes, thumbnail pictures."""
