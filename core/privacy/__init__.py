"""Personal information (PIPL, docs/decisions/0027): how long each kind of data is kept and
what anonymising a concern keeps (``policy``), the store port (``ports``), the retention
sweep (``retention``), a person's own data (``mydata``), erasure on request (``erasure``)
and the privacy notice generated from the configuration (``notice``)."""
