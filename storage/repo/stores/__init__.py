"""Feature stores: per feature a typed Protocol (what callers depend on) and its SQL implementation."""
