"""Statistics: the index the dashboard reads the top enterprises of a subtree in (no sort).

Revision ID: eb6662bc2176
Revises: 820db7ae5367
Create Date: 2026-11-29 12:49:32.505562

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'eb6662bc2176'
down_revision = '820db7ae5367'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stat_figure', schema=None) as batch_op:
        batch_op.create_index('ix_stat_figure_rank', ['year', 'dimension', 'key', 'participations', 'scope_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('stat_figure', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_figure_rank')

