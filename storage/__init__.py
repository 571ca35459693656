"""Persistence: SQLAlchemy 2 async tables, repositories, unit of work, inbox/outbox, Alembic."""
