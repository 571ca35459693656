"""Store mixin of crisis cases and their pages."""
