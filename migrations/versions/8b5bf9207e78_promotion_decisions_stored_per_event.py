"""promotion decisions stored per event

The decisions are derived data (every evaluation rewrites them): the table is recreated, and the next
evaluation of a competition fills it again (flask --app wsgi promotion evaluate --competition N).

Revision ID: 8b5bf9207e78
Revises: 110bc350bf8c
Create Date: 2026-11-29 10:14:54.289495

"""
from alembic import op
import sqlalchemy as sa

import competitions.db
from sqlalchemy.dialects import sqlite

# revision identifiers, used by Alembic.
revision = '8b5bf9207e78'
down_revision = '110bc350bf8c'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('promotion_decision')
    op.create_table('promotion_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('shared', sa.JSON(), nullable=False),
    sa.Column('decisions', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_promotion_decision_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_promotion_decision_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_decision')),
    sa.UniqueConstraint('competition_id', 'event_id', name=op.f('uq_promotion_decision_competition_id_event_id'))
    )


def downgrade():
    op.drop_table('promotion_decision')
    op.create_table('promotion_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('awards', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_promotion_decision_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_promotion_decision_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_promotion_decision_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_promotion_decision_worker_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_decision')),
    sa.UniqueConstraint('competition_id', 'registration_id', name=op.f('uq_promotion_decision_competition_id_registration_id'))
    )
    with op.batch_alter_table('promotion_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_decision_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promotion_decision_worker_id'), ['worker_id'], unique=False)
