"""The process and its channels; the composition root. Nothing imports bot/."""
