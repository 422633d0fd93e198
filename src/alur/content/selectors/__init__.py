"""Every read of the content studio, one module per area; each query is scoped to one workspace."""
