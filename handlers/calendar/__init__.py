"""Flows about the working-day calendar: the admins' `/calendar` command."""
