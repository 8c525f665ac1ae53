"""statistics figures keyed by scope first

Revision ID: d78e43c23781
Revises: 971c27af4a29
Create Date: 2026-11-29 09:51:32.844076

"""
from alembic import op
import sqlalchemy as sa

import competitions.db


# revision identifiers, used by Alembic.
revision = 'd78e43c23781'
down_revision = '971c27af4a29'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stat_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stat_figure_scope'))
        batch_op.drop_constraint(batch_op.f('uq_stat_figure_year_scope_id_dimension_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_stat_figure_scope_id_year_dimension_key'), ['scope_id', 'year', 'dimension', 'key'])



def downgrade():
    with op.batch_alter_table('stat_figure', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_stat_figure_scope_id_year_dimension_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_stat_figure_year_scope_id_dimension_key'), ['year', 'scope_id', 'dimension', 'key'])
        batch_op.create_index(batch_op.f('ix_stat_figure_scope'), ['scope_id', 'dimension', 'year'], unique=False)

