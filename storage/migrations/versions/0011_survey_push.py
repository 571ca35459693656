"""survey push engine: outbox rows carry their survey delivery; delivery rounds
(reminders); the chat whose progress message a push edits

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no table rebuild): the outbox is large.
    op.add_column('outbox', sa.Column('survey_delivery_id', sa.Integer(), nullable=True))
    op.create_index('ix_outbox_survey_delivery', 'outbox', ['survey_delivery_id'],
                    unique=False)
    op.add_column('survey_deliveries', sa.Column('round', sa.Integer(), server_default='0',
                                                 nullable=False))
    op.add_column('surveys', sa.Column('status_channel', sa.String(length=20), nullable=True))
    op.add_column('surveys', sa.Column('status_chat_id', sa.String(length=64), nullable=True))
    op.add_column('surveys', sa.Column('status_edited_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        for name in ('status_edited_at', 'status_chat_id', 'status_channel'):
            batch_op.drop_column(name)
    with op.batch_alter_table('survey_deliveries', schema=None) as batch_op:
        batch_op.drop_column('round')
    op.drop_index('ix_outbox_survey_delivery', table_name='outbox')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('survey_delivery_id')
