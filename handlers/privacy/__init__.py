"""Personal information in chat (docs/decisions/0027): ``/mydata`` (``mydata``), and
erasure on request with the admins' decision (``erasure``)."""
