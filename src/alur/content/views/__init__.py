"""Thin views of the content studio, one module per area; each module ends with its ``urlpatterns``."""
