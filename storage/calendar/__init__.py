"""Store mixin and queries of the working-day calendar's admin overrides."""
