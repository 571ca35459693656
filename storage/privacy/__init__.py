"""Personal information's queries (docs/decisions/0027): anonymising concerns in place
(``anonymise``), the files rows name (``files``), messages past their retention and the
outbox rows that carry a concern (``messages``), a person's data (``person_data``),
erasure and its requests (``erasure_store``); ``privacy_store`` is the SqlStore mixin."""
