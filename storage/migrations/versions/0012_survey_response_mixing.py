"""anonymous answers' physical order: a survey counts its responses not yet rewritten
in key order (docs/decisions/0023)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('surveys', sa.Column('unmixed', sa.Integer(), server_default='0',
                                       nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('unmixed')
