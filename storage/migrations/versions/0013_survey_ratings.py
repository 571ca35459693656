"""evaluation surveys (民主测评): each subject's grade a row of its own, apart from the
response (docs/decisions/0024)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_ratings',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('grade', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_ratings_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_ratings')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('survey_ratings', schema=None) as batch_op:
        batch_op.create_index('ix_survey_ratings_survey', ['survey_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('survey_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_ratings_survey')

    op.drop_table('survey_ratings')
