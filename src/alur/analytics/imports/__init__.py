"""Importing the performance exports marketers download, as they come: see :mod:`.run` for the steps."""
