"""Absent competitors (缺考) recorded and frozen in result entries, whether they count as entrants; team rules.

Revision ID: d07e1d8a87a0
Revises: 593ef012a4e4
Create Date: 2026-11-29 10:18:33.767889

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'd07e1d8a87a0'
down_revision = '593ef012a4e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absent_are_entrants', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('team_rule', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('result_adjustment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absent', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('absent', sa.Boolean(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.drop_column('absent')

    with op.batch_alter_table('result_adjustment', schema=None) as batch_op:
        batch_op.drop_column('absent')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('team_rule')
        batch_op.drop_column('absent_are_entrants')

