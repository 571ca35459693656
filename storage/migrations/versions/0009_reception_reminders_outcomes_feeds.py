"""reception reminders, after-session outcomes, follow-up concerns' origin, calendar feeds

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reminders_session_id_reception_sessions'),
                                    'reception_sessions', ['session_id'], ['id'])
        batch_op.create_index('ix_reminders_session', ['session_id'], unique=False)
    with op.batch_alter_table('reception_topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('outcome_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('outcome_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('concern_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reception_topics_outcome_by_people'),
                                    'people', ['outcome_by'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_reception_topics_concern_id_concerns'),
                                    'concerns', ['concern_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_reception_topics_unit_id_org_units'),
                                    'org_units', ['unit_id'], ['id'])
    # A plain ADD COLUMN (no table rebuild): concerns is the largest table.
    op.add_column('concerns', sa.Column('origin', sa.String(length=20), server_default='chat',
                                        nullable=False))
    op.create_table(
        'reception_feeds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('leader_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['leader_id'], ['people.id'],
                                name=op.f('fk_reception_feeds_leader_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_feeds')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_reception_feeds_token_hash')),
    )
    op.create_index('ix_reception_feeds_leader_id', 'reception_feeds', ['leader_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_reception_feeds_leader_id', table_name='reception_feeds')
    op.drop_table('reception_feeds')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_column('origin')
    with op.batch_alter_table('reception_topics', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reception_topics_unit_id_org_units'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reception_topics_concern_id_concerns'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reception_topics_outcome_by_people'),
                                 type_='foreignkey')
        for name in ('unit_id', 'concern_id', 'outcome_by', 'outcome_at', 'outcome'):
            batch_op.drop_column(name)
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_session')
        batch_op.drop_constraint(batch_op.f('fk_reminders_session_id_reception_sessions'),
                                 type_='foreignkey')
        batch_op.drop_column('session_id')
