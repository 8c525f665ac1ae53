"""Statistics: labour competitions (units, named workers, periods assessed, vetoes) and innovation entries
(submitted, adopted, implemented, realized benefit) on the yearly figures.

Revision ID: 7d835fcbc658
Revises: eb6662bc2176
Create Date: 2026-11-29 13:01:19.263401

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d835fcbc658'
down_revision = 'eb6662bc2176'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stat_figure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('labour_competitions', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('labour_units', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('labour_workers', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('labour_participations', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('periods_assessed', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('vetoes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('innovation_entries', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('innovation_adopted', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('innovation_implemented', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('innovation_benefit', sa.Numeric(precision=16, scale=2), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('stat_figure', schema=None) as batch_op:
        batch_op.drop_column('innovation_benefit')
        batch_op.drop_column('innovation_implemented')
        batch_op.drop_column('innovation_adopted')
        batch_op.drop_column('innovation_entries')
        batch_op.drop_column('vetoes')
        batch_op.drop_column('periods_assessed')
        batch_op.drop_column('labour_participations')
        batch_op.drop_column('labour_workers')
        batch_op.drop_column('labour_units')
        batch_op.drop_column('labour_competitions')

