"""People: binding an account with a code, and validating the roster's sheets."""
