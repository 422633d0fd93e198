"""Every write of analytics, one module per area: sources, imports, key results, budget, alerts, experiments."""
