"""Store mixins and queries of concerns: handling (the lifecycle's writes) and routing."""
