"""The crisis lexicon, written for review by a counsellor: word lists (``vocab.py`` for
Chinese, ``vocab_en.py`` for English), the explicit families (``explicit.py``, violence in
``violence.py``), the indirect families (``indirect.py``: disappear, burden, no point;
``beyond.py``: relief, another world), the preparations (``preparations.py``: goodbye,
settling affairs; ``means.py``: hoarding means, a height), the weak signals
(``signals.py``), seriousness, a plan and the follow-ups (``followup.py``), and what changes
a finding's weight: topic context, hyperbole and known harmless phrases (``modifiers.py``).
The notation of the patterns is explained in ``core/crisis/patterns.py``."""
