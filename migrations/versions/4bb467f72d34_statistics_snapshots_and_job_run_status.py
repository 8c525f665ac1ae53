"""statistics snapshots and job run status

Revision ID: 4bb467f72d34
Revises: be769815d875
Create Date: 2026-11-29 09:31:47.474800

"""
from alembic import op
import sqlalchemy as sa

import competitions.db


# revision identifiers, used by Alembic.
revision = '4bb467f72d34'
down_revision = 'be769815d875'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stat_compilation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('compiled_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('figures', sa.Integer(), nullable=False),
    sa.Column('promotions_counted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_compilation')),
    sa.UniqueConstraint('year', name=op.f('uq_stat_compilation_year'))
    )
    op.create_table('stat_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('competitions', sa.Integer(), nullable=True),
    sa.Column('events', sa.Integer(), nullable=True),
    sa.Column('participations', sa.Integer(), nullable=False),
    sa.Column('workers', sa.Integer(), nullable=False),
    sa.Column('enterprises', sa.Integer(), nullable=False),
    sa.Column('finalists', sa.Integer(), nullable=False),
    sa.Column('awards', sa.Integer(), nullable=False),
    sa.Column('promotions', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['scope_id'], ['organization.id'], name=op.f('fk_stat_figure_scope_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_figure')),
    sa.UniqueConstraint('year', 'scope_id', 'dimension', 'key', name=op.f('uq_stat_figure_year_scope_id_dimension_key'))
    )
    with op.batch_alter_table('stat_figure', schema=None) as batch_op:
        batch_op.create_index('ix_stat_figure_scope', ['scope_id', 'dimension', 'year'], unique=False)

    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finished_at', competitions.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='succeeded', nullable=False))
        batch_op.add_column(sa.Column('trigger', sa.String(length=20), server_default='schedule', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('error', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('requested_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_job_run_started_at'), ['started_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_job_run_requested_by_id_user'), 'user', ['requested_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_job_run_requested_by_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_job_run_started_at'))
        batch_op.drop_column('requested_by_id')
        batch_op.drop_column('error')
        batch_op.drop_column('attempts')
        batch_op.drop_column('trigger')
        batch_op.drop_column('status')
        batch_op.drop_column('finished_at')

    with op.batch_alter_table('stat_figure', schema=None) as batch_op:
        batch_op.drop_index('ix_stat_figure_scope')

    op.drop_table('stat_figure')
    op.drop_table('stat_compilation')
