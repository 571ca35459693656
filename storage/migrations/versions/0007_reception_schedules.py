"""reception days: schedules, their overrides, materialised sessions, leaders' contact units

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa



revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reception_schedules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('leader_id', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('start_time', sa.Time(), nullable=False),
        sa.Column('end_time', sa.Time(), nullable=False),
        sa.Column('recurrence', sa.JSON(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('cutoff_days', sa.Integer(), nullable=False),
        sa.Column('cutoff_time', sa.Time(), nullable=False),
        sa.Column('holiday_policy', sa.String(length=12), nullable=False),
        sa.Column('accompany', sa.JSON(), nullable=False),
        sa.Column('contact_unit_id', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_unit_id'], ['org_units.id'],
                                name=op.f('fk_reception_schedules_contact_unit_id_org_units')),
        sa.ForeignKeyConstraint(['leader_id'], ['people.id'],
                                name=op.f('fk_reception_schedules_leader_id_people')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_schedules')),
        sa.UniqueConstraint('code', name=op.f('uq_reception_schedules_code')),
    )
    op.create_table(
        'reception_overrides',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('schedule_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('new_day', sa.Date(), nullable=True),
        sa.Column('start_time', sa.Time(), nullable=True),
        sa.Column('end_time', sa.Time(), nullable=True),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['schedule_id'], ['reception_schedules.id'],
                                name=op.f('fk_reception_overrides_schedule_id_reception_schedules')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_overrides')),
        sa.UniqueConstraint('schedule_id', 'day', 'action',
                            name=op.f('uq_reception_overrides_schedule_id_day_action')),
    )
    op.create_table(
        'reception_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('schedule_id', sa.Integer(), nullable=False),
        sa.Column('origin_day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('local_date', sa.Date(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('cutoff_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('moved_from', sa.Date(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['schedule_id'], ['reception_schedules.id'],
                                name=op.f('fk_reception_sessions_schedule_id_reception_schedules')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_sessions')),
        sa.UniqueConstraint('schedule_id', 'origin_day', 'kind',
                            name=op.f('uq_reception_sessions_schedule_id_origin_day_kind')),
    )
    op.create_index('ix_reception_sessions_local_date', 'reception_sessions', ['local_date'],
                    unique=False)
    op.create_table(
        'leader_contact_units',
        sa.Column('leader_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['leader_id'], ['people.id'],
                                name=op.f('fk_leader_contact_units_leader_id_people')),
        sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'],
                                name=op.f('fk_leader_contact_units_unit_id_org_units')),
        sa.PrimaryKeyConstraint('leader_id', 'unit_id', name=op.f('pk_leader_contact_units')),
    )


def downgrade() -> None:
    op.drop_table('leader_contact_units')
    op.drop_index('ix_reception_sessions_local_date', table_name='reception_sessions')
    op.drop_table('reception_sessions')
    op.drop_table('reception_overrides')
    op.drop_table('reception_schedules')
