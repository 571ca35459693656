"""reception bookings: topics, the people on them (at most 3), change notices

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa



revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reception_topics',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('attachments', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['people.id'],
                                name=op.f('fk_reception_topics_created_by_people')),
        sa.ForeignKeyConstraint(['session_id'], ['reception_sessions.id'],
                                name=op.f('fk_reception_topics_session_id_reception_sessions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_topics')),
    )
    op.create_index('ix_reception_topics_session_id', 'reception_topics', ['session_id'],
                    unique=False)
    op.create_table(
        'reception_bookings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'],
                                name=op.f('fk_reception_bookings_person_id_people')),
        sa.ForeignKeyConstraint(['session_id'], ['reception_sessions.id'],
                                name=op.f('fk_reception_bookings_session_id_reception_sessions')),
        sa.ForeignKeyConstraint(['topic_id'], ['reception_topics.id'],
                                name=op.f('fk_reception_bookings_topic_id_reception_topics')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_bookings')),
    )
    op.create_index('ix_reception_bookings_topic_id', 'reception_bookings', ['topic_id'],
                    unique=False)
    op.create_index('ix_reception_bookings_session_id_person_id', 'reception_bookings',
                    ['session_id', 'person_id'], unique=False)
    op.create_table(
        'reception_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=60), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['booking_id'], ['reception_bookings.id'],
                                name=op.f('fk_reception_notices_booking_id_reception_bookings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_notices')),
        sa.UniqueConstraint('booking_id', 'version',
                            name=op.f('uq_reception_notices_booking_id_version')),
    )


def downgrade() -> None:
    op.drop_table('reception_notices')
    op.drop_index('ix_reception_bookings_session_id_person_id', table_name='reception_bookings')
    op.drop_index('ix_reception_bookings_topic_id', table_name='reception_bookings')
    op.drop_table('reception_bookings')
    op.drop_index('ix_reception_topics_session_id', table_name='reception_topics')
    op.drop_table('reception_topics')
