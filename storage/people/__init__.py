"""People: their store mixin (identities, people, binding) and the roster import."""
