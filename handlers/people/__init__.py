"""Flows about a person: start, help, language, cancel, binding."""
