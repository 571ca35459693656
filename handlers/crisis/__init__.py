"""The crisis flow: intercepting crisis wording, the page's acknowledge button, closing a case."""
