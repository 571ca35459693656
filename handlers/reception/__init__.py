"""Reception days' flows: /reception (list, book, join a topic, cancel)."""
