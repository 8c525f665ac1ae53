"""Pass marks per part, a minimum total, and whether each competitor passed (frozen in result entries).

Revision ID: 0e125d19a1d8
Revises: b2cb985f0e91
Create Date: 2026-11-29 09:33:33.531415

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0e125d19a1d8'
down_revision = 'b2cb985f0e91'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pass_total', sa.Numeric(precision=8, scale=2), nullable=True))
        batch_op.add_column(sa.Column('failed_placement', sa.String(length=10), server_default='ranked',
                                      nullable=False))

    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('part_passed', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('part_marks', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('scheme_part', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pass_mark', sa.Numeric(precision=8, scale=2), nullable=True))


def downgrade():
    with op.batch_alter_table('scheme_part', schema=None) as batch_op:
        batch_op.drop_column('pass_mark')

    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.drop_column('part_marks')
        batch_op.drop_column('part_passed')
        batch_op.drop_column('passed')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('failed_placement')
        batch_op.drop_column('pass_total')
