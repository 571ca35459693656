"""crisis review tier and the detector's per-chat memory

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('crisis_tier', sa.String(length=8), nullable=True))
    # Every case opened before tiers existed was a P0 crisis case.
    op.execute("UPDATE concerns SET crisis_tier = 'crisis' WHERE crisis")
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('crisis_state', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('crisis_state')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_column('crisis_tier')
