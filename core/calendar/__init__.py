"""The working-day calendar's admin corrections: overrides of single dates (working or
not), how a day is classified, the `/calendar` use case and its store port."""
