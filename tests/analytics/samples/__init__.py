"""Sample export files (see make_samples)."""
