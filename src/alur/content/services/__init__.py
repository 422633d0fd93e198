"""Every write of the content studio, one module per area. Each service asks the policy, runs in one
transaction and appends an audit record."""
