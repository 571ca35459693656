"""Surveys in the database: the store mixin, audiences, the push's deliveries."""
