"""The domain of Xinqiao: free of any platform (stdlib only; a test checks this)."""
