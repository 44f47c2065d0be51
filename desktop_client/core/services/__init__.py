"""Use cases that the GUI and the CLI share."""
