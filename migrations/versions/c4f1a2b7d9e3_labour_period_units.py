"""Labour: the units a period is signed off with (labour_period_unit), frozen at the first sign-off.

Existing signed-off periods are filled with the units that existed when they were signed off: added before the
sign-off and not withdrawn before it (or with entries in the period).

Revision ID: c4f1a2b7d9e3
Revises: 70be776a49e1
Create Date: 2026-11-29 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a2b7d9e3'
down_revision = '70be776a49e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('labour_period_unit',
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['labour_period.id'], name=op.f('fk_labour_period_unit_period_id_labour_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['labour_unit.id'], name=op.f('fk_labour_period_unit_unit_id_labour_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('period_id', 'unit_id', name=op.f('pk_labour_period_unit'))
    )
    with op.batch_alter_table('labour_period_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_period_unit_unit_id'), ['unit_id'], unique=False)
    op.execute("""
        INSERT INTO labour_period_unit (period_id, unit_id)
        SELECT p.id, u.id FROM labour_period p JOIN labour_unit u ON u.competition_id = p.competition_id
        WHERE p.status = 'signed_off' AND p.signed_off_at IS NOT NULL
          AND (EXISTS (SELECT 1 FROM labour_score s WHERE s.period_id = p.id AND s.unit_id = u.id)
               OR (u.created_at <= p.signed_off_at
                   AND (u.withdrawn_at IS NULL OR u.withdrawn_at > p.signed_off_at)))""")


def downgrade():
    with op.batch_alter_table('labour_period_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_period_unit_unit_id'))
    op.drop_table('labour_period_unit')
