"""The second-stage crisis classifier (model.py, scored in pure Python), its training (train.py)
and its corpus (corpus/)."""
