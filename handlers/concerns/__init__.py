"""Flows of a concern: intake, the handler's tasks, follow-up, reveal and supervision."""
