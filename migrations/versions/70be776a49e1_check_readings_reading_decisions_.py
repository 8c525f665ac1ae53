"""Check readings of measured criteria (reading mode, tolerance, what counts), the chief judge's reading decisions, absence (缺考) from single parts.

Revision ID: 70be776a49e1
Revises: 7d835fcbc658
Create Date: 2026-11-29 12:35:57.626918

"""
from alembic import op
import sqlalchemy as sa

import competitions.db


# revision identifiers, used by Alembic.
revision = '70be776a49e1'
down_revision = '7d835fcbc658'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reading_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('kept_judge_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('readings', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_reading_decision_criterion_id_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_reading_decision_decided_by_id_user')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_reading_decision_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kept_judge_id'], ['user.id'], name=op.f('fk_reading_decision_kept_judge_id_user')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_reading_decision_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_decision'))
    )
    with op.batch_alter_table('reading_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reading_decision_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_decision_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reading_decision_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reading_mode', sa.String(length=10), server_default='once', nullable=False))
        batch_op.add_column(sa.Column('tolerance', sa.Numeric(precision=8, scale=2), nullable=True))
        batch_op.add_column(sa.Column('check_counts', sa.String(length=10), server_default='first', nullable=False))

    with op.batch_alter_table('result_adjustment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absent_parts', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absent_parts', sa.JSON(), server_default='[]', nullable=False))



def downgrade():
    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.drop_column('absent_parts')

    with op.batch_alter_table('result_adjustment', schema=None) as batch_op:
        batch_op.drop_column('absent_parts')

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('check_counts')
        batch_op.drop_column('tolerance')
        batch_op.drop_column('reading_mode')

    with op.batch_alter_table('reading_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reading_decision_registration_id'))
        batch_op.drop_index(batch_op.f('ix_reading_decision_event_id'))
        batch_op.drop_index(batch_op.f('ix_reading_decision_criterion_id'))

    op.drop_table('reading_decision')
