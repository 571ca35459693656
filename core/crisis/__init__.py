"""The crisis path: detecting crisis wording, the case with its paging ladder, and closing it (结案)."""
