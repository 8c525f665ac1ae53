"""Pending corrections: a tablet's mark that reached the server after the sheet was submitted (or the
event signed off), kept for the chief judge to accept or decline (judging.corrections).

Revision ID: eabbe9e0fb18
Revises: 6559512ca1ac
Create Date: 2026-11-29 12:27:53.096167

"""
from alembic import op
import sqlalchemy as sa

import competitions.db


# revision identifiers, used by Alembic.
revision = 'eabbe9e0fb18'
down_revision = '6559512ca1ac'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=36), nullable=False),
    sa.Column('old_value', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('old_version', sa.Integer(), nullable=True),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('new_value', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('typed_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('arrived_after', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_pending_correction_criterion_id_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_pending_correction_decided_by_id_user')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_pending_correction_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user.id'], name=op.f('fk_pending_correction_judge_id_user')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_pending_correction_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_correction')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_pending_correction_idempotency_key'))
    )
    with op.batch_alter_table('pending_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_correction_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_correction_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_correction_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_correction_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_correction_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('pending_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_correction_status'))
        batch_op.drop_index(batch_op.f('ix_pending_correction_registration_id'))
        batch_op.drop_index(batch_op.f('ix_pending_correction_judge_id'))
        batch_op.drop_index(batch_op.f('ix_pending_correction_event_id'))
        batch_op.drop_index(batch_op.f('ix_pending_correction_criterion_id'))

    op.drop_table('pending_correction')
