"""Working-day calendar: extra statutory holidays and make-up working days entered by an administrator.

Revision ID: 1b0e06e6057c
Revises: b4f8d9ff83d1
Create Date: 2026-11-29 09:55:37.908697

"""
from alembic import op
import sqlalchemy as sa

import competitions.db

# revision identifiers, used by Alembic.
revision = '1b0e06e6057c'
down_revision = 'b4f8d9ff83d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('work_calendar_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_work_calendar_day_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_calendar_day')),
    sa.UniqueConstraint('day', name=op.f('uq_work_calendar_day_day'))
    )


def downgrade():
    op.drop_table('work_calendar_day')
