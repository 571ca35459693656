"""Surveys and consultations for the operator: reading survey files and the ``survey``
command (``python -m bot survey ...``)."""
