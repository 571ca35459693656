"""The channels' names, as stored in inbox and outbox rows, identities and attachment refs.

A neutral place (no aiogram, no aiohttp): channels name each other through these
constants, never by importing each other's package.
"""
TELEGRAM = "telegram"
WEB = "web"
