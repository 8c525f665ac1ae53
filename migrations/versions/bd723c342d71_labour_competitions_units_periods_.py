"""Labour competitions (劳动竞赛): participating units and members, periods, scorecards (indicator groups,
indicators), assessors, scores, bonus/deduction entries and veto items.

Revision ID: bd723c342d71
Revises: 5946516df939
Create Date: 2026-11-29 12:25:11.312309

"""
from alembic import op
import sqlalchemy as sa

import competitions.db


# revision identifiers, used by Alembic.
revision = 'bd723c342d71'
down_revision = '5946516df939'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('labour_indicator_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_labour_indicator_group_competition_id_competition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_indicator_group')),
    sa.UniqueConstraint('competition_id', 'code', name=op.f('uq_labour_indicator_group_competition_id_code'))
    )
    with op.batch_alter_table('labour_indicator_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_indicator_group_competition_id'), ['competition_id'], unique=False)

    op.create_table('labour_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assessed_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=False),
    sa.Column('created_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['user.id'], name=op.f('fk_labour_period_assessed_by_id_user')),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_labour_period_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['user.id'], name=op.f('fk_labour_period_signed_off_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_period')),
    sa.UniqueConstraint('competition_id', 'number', name=op.f('uq_labour_period_competition_id_number'))
    )
    with op.batch_alter_table('labour_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_period_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_period_status'), ['status'], unique=False)

    op.create_table('labour_scorecard',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('document_ref', sa.String(length=200), nullable=False),
    sa.Column('cadence', sa.String(length=20), nullable=False),
    sa.Column('bonus_cap', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('deduction_cap', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('aggregation', sa.String(length=20), nullable=False),
    sa.Column('created_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_labour_scorecard_competition_id_competition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_scorecard')),
    sa.UniqueConstraint('competition_id', name=op.f('uq_labour_scorecard_competition_id'))
    )
    op.create_table('labour_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('parent_unit_id', sa.Integer(), nullable=True),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=False),
    sa.Column('created_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_labour_unit_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_labour_unit_organization_id_organization')),
    sa.ForeignKeyConstraint(['parent_unit_id'], ['labour_unit.id'], name=op.f('fk_labour_unit_parent_unit_id_labour_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_unit')),
    sa.UniqueConstraint('competition_id', 'code', name=op.f('uq_labour_unit_competition_id_code')),
    sa.UniqueConstraint('competition_id', 'name', name=op.f('uq_labour_unit_competition_id_name'))
    )
    with op.batch_alter_table('labour_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_unit_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_unit_organization_id'), ['organization_id'], unique=False)

    op.create_table('labour_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('document_ref', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voided_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['labour_period.id'], name=op.f('fk_labour_adjustment_period_id_labour_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_labour_adjustment_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['labour_unit.id'], name=op.f('fk_labour_adjustment_unit_id_labour_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user.id'], name=op.f('fk_labour_adjustment_voided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_adjustment'))
    )
    with op.batch_alter_table('labour_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_adjustment_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_adjustment_unit_id'), ['unit_id'], unique=False)

    op.create_table('labour_assessor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('is_chief', sa.Boolean(), nullable=False),
    sa.Column('created_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_labour_assessor_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['labour_indicator_group.id'], name=op.f('fk_labour_assessor_group_id_labour_indicator_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['labour_unit.id'], name=op.f('fk_labour_assessor_unit_id_labour_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_labour_assessor_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_assessor')),
    sa.UniqueConstraint('competition_id', 'user_id', 'group_id', 'unit_id', name=op.f('uq_labour_assessor_competition_id_user_id_group_id_unit_id'))
    )
    with op.batch_alter_table('labour_assessor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_assessor_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_assessor_user_id'), ['user_id'], unique=False)

    op.create_table('labour_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('step', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('unit_label', sa.String(length=20), nullable=False),
    sa.Column('value_min', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('value_max', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('formula', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_labour_indicator_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['labour_indicator_group.id'], name=op.f('fk_labour_indicator_group_id_labour_indicator_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_indicator')),
    sa.UniqueConstraint('competition_id', 'code', name=op.f('uq_labour_indicator_competition_id_code'))
    )
    with op.batch_alter_table('labour_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_indicator_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_indicator_group_id'), ['group_id'], unique=False)

    op.create_table('labour_unit_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=50), nullable=False),
    sa.Column('created_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['labour_unit.id'], name=op.f('fk_labour_unit_member_unit_id_labour_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_labour_unit_member_worker_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_unit_member')),
    sa.UniqueConstraint('unit_id', 'worker_id', name=op.f('uq_labour_unit_member_unit_id_worker_id'))
    )
    with op.batch_alter_table('labour_unit_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_unit_member_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_unit_member_worker_id'), ['worker_id'], unique=False)

    op.create_table('labour_veto',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('document_ref', sa.String(length=200), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voided_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['labour_period.id'], name=op.f('fk_labour_veto_period_id_labour_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_labour_veto_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['labour_unit.id'], name=op.f('fk_labour_veto_unit_id_labour_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user.id'], name=op.f('fk_labour_veto_voided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_veto'))
    )
    with op.batch_alter_table('labour_veto', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_veto_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_veto_unit_id'), ['unit_id'], unique=False)

    op.create_table('labour_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=14, scale=4), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['user.id'], name=op.f('fk_labour_score_assessor_id_user')),
    sa.ForeignKeyConstraint(['indicator_id'], ['labour_indicator.id'], name=op.f('fk_labour_score_indicator_id_labour_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['labour_period.id'], name=op.f('fk_labour_score_period_id_labour_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['labour_unit.id'], name=op.f('fk_labour_score_unit_id_labour_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labour_score')),
    sa.UniqueConstraint('period_id', 'unit_id', 'indicator_id', 'assessor_id', name=op.f('uq_labour_score_period_id_unit_id_indicator_id_assessor_id'))
    )
    with op.batch_alter_table('labour_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labour_score_assessor_id'), ['assessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_score_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_score_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_labour_score_unit_id'), ['unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('labour_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_score_unit_id'))
        batch_op.drop_index(batch_op.f('ix_labour_score_period_id'))
        batch_op.drop_index(batch_op.f('ix_labour_score_indicator_id'))
        batch_op.drop_index(batch_op.f('ix_labour_score_assessor_id'))

    op.drop_table('labour_score')
    with op.batch_alter_table('labour_veto', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_veto_unit_id'))
        batch_op.drop_index(batch_op.f('ix_labour_veto_period_id'))

    op.drop_table('labour_veto')
    with op.batch_alter_table('labour_unit_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_unit_member_worker_id'))
        batch_op.drop_index(batch_op.f('ix_labour_unit_member_unit_id'))

    op.drop_table('labour_unit_member')
    with op.batch_alter_table('labour_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_indicator_group_id'))
        batch_op.drop_index(batch_op.f('ix_labour_indicator_competition_id'))

    op.drop_table('labour_indicator')
    with op.batch_alter_table('labour_assessor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_assessor_user_id'))
        batch_op.drop_index(batch_op.f('ix_labour_assessor_competition_id'))

    op.drop_table('labour_assessor')
    with op.batch_alter_table('labour_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_adjustment_unit_id'))
        batch_op.drop_index(batch_op.f('ix_labour_adjustment_period_id'))

    op.drop_table('labour_adjustment')
    with op.batch_alter_table('labour_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_unit_organization_id'))
        batch_op.drop_index(batch_op.f('ix_labour_unit_competition_id'))

    op.drop_table('labour_unit')
    op.drop_table('labour_scorecard')
    with op.batch_alter_table('labour_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_period_status'))
        batch_op.drop_index(batch_op.f('ix_labour_period_competition_id'))

    op.drop_table('labour_period')
    with op.batch_alter_table('labour_indicator_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labour_indicator_group_competition_id'))

    op.drop_table('labour_indicator_group')
