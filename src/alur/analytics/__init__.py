"""Analytics: the warehouse, importers, the KPI engine, diagnostics and anomalies (SPEC §6)."""
