"""Survey flows: answering (answer.py)."""
