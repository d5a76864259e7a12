"""The audit trail: every state change is an event, chained by hash so anyone can verify it."""
