"""Every read of analytics, one module per area; each read of the facts goes through ``facts._facts``, one workspace at a time."""
