"""deadlines and the escalation ladder, reminder rows, calendar overrides

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa



revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_from', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('due_accept_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('due_contact_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('escalation_level', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('ladder_plan', sa.String(length=8), nullable=True))
        batch_op.create_index('ix_concerns_ladder_plan', ['id'], unique=False,
                              sqlite_where=sa.text("ladder_plan IS NOT NULL"),
                              postgresql_where=sa.text("ladder_plan IS NOT NULL"))
    # Ordinary concerns that existed before the ladder and still have a limit open get
    # their clocks planned by the next sweep: accept and contact from when they were
    # created, the reply at its stored due time (an approved extension is kept).
    op.execute("UPDATE concerns SET ladder_plan = 'both', deadline_from = created_at "
               "WHERE status NOT IN ('closed', 'merged', 'rejected', 'replied', 'revisit') "
               "AND NOT crisis")
    op.create_table(
        'reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=True),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('concern_id', sa.Integer(), nullable=True),
        sa.Column('recipient_id', sa.Integer(), nullable=True),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'],
                                name=op.f('fk_reminders_concern_id_concerns')),
        sa.ForeignKeyConstraint(['recipient_id'], ['people.id'],
                                name=op.f('fk_reminders_recipient_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
        sa.UniqueConstraint('key', name=op.f('uq_reminders_key')),
    )
    op.create_index('ix_reminders_pending_due', 'reminders', ['due_at'], unique=False,
                    sqlite_where=sa.text("status = 'pending'"),
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_index('ix_reminders_concern', 'reminders', ['concern_id'], unique=False)
    op.create_table(
        'calendar_overrides',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('working', sa.Boolean(), nullable=False),
        sa.Column('label', sa.String(length=100), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('set_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['set_by'], ['people.id'],
                                name=op.f('fk_calendar_overrides_set_by_people')),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_overrides')),
    )


def downgrade() -> None:
    op.drop_table('calendar_overrides')
    op.drop_index('ix_reminders_concern', table_name='reminders')
    op.drop_index('ix_reminders_pending_due', table_name='reminders')
    op.drop_table('reminders')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_index('ix_concerns_ladder_plan')
        batch_op.drop_column('ladder_plan')
        batch_op.drop_column('escalation_level')
        batch_op.drop_column('due_contact_at')
        batch_op.drop_column('due_accept_at')
        batch_op.drop_column('deadline_from')
