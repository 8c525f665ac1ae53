"""Rounds: an event held as a preliminary and a final (qualification rule, carried part), preliminary standings
with qualification, and the round each competitor reached in the results.

Revision ID: 6559512ca1ac
Revises: bd723c342d71
Create Date: 2026-11-29 12:25:56.399268

"""
from alembic import op
import sqlalchemy as sa

import competitions.db
import competitions.results.models


# revision identifiers, used by Alembic.
revision = '6559512ca1ac'
down_revision = 'bd723c342d71'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('round_standing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('preliminary_event_id', sa.Integer(), nullable=False),
    sa.Column('final_event_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('cut', sa.Integer(), nullable=False),
    sa.Column('qualifier_count', sa.Integer(), nullable=False),
    sa.Column('computed_at', competitions.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('computed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['computed_by_id'], ['user.id'], name=op.f('fk_round_standing_computed_by_id_user')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_round_standing_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['final_event_id'], ['event.id'], name=op.f('fk_round_standing_final_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['preliminary_event_id'], ['event.id'], name=op.f('fk_round_standing_preliminary_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_round_standing_published_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_standing')),
    sa.UniqueConstraint('preliminary_event_id', name=op.f('uq_round_standing_preliminary_event_id'))
    )
    with op.batch_alter_table('round_standing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_standing_final_event_id'), ['final_event_id'], unique=False)

    op.create_table('round_standing_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standing_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('tied', sa.Boolean(), nullable=False),
    sa.Column('total', competitions.results.models.Figure(precision=9, scale=3), nullable=True),
    sa.Column('part_marks', sa.JSON(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('absent', sa.Boolean(), nullable=False),
    sa.Column('disqualified', sa.Boolean(), nullable=False),
    sa.Column('qualified', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('anonymous_code', sa.String(length=20), nullable=False),
    sa.Column('station', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('final_registration_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['final_registration_id'], ['registration.id'], name=op.f('fk_round_standing_entry_final_registration_id_registration'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_round_standing_entry_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['standing_id'], ['round_standing.id'], name=op.f('fk_round_standing_entry_standing_id_round_standing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_round_standing_entry_worker_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_standing_entry')),
    sa.UniqueConstraint('standing_id', 'registration_id', name=op.f('uq_round_standing_entry_standing_id_registration_id'))
    )
    with op.batch_alter_table('round_standing_entry', schema=None) as batch_op:
        batch_op.create_index('ix_round_standing_entry_position', ['standing_id', 'position'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.String(length=12), server_default='', nullable=False))
        batch_op.add_column(sa.Column('preliminary_event_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('qualification_rule', sa.JSON(), server_default='{}', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_event_competition_id_trade_code_group'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_event_competition_id_trade_code_group_round'), ['competition_id', 'trade_code', 'group', 'round'])
        batch_op.create_foreign_key(batch_op.f('fk_event_preliminary_event_id_event'), 'event', ['preliminary_event_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_reached', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('preliminary_rank', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('preliminary_total', competitions.results.models.Figure(precision=9, scale=3), nullable=True))

    with op.batch_alter_table('scheme_part', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from', sa.String(length=20), nullable=True))




def downgrade():

    with op.batch_alter_table('scheme_part', schema=None) as batch_op:
        batch_op.drop_column('carried_from')

    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.drop_column('preliminary_total')
        batch_op.drop_column('preliminary_rank')
        batch_op.drop_column('round_reached')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_preliminary_event_id_event'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_event_competition_id_trade_code_group_round'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_event_competition_id_trade_code_group'), ['competition_id', 'trade_code', 'group'])
        batch_op.drop_column('qualification_rule')
        batch_op.drop_column('preliminary_event_id')
        batch_op.drop_column('round')

    with op.batch_alter_table('round_standing_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_round_standing_entry_position')

    op.drop_table('round_standing_entry')
    with op.batch_alter_table('round_standing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_standing_final_event_id'))

    op.drop_table('round_standing')

