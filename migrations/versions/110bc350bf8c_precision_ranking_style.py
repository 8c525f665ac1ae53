"""Scheme precision (0-3 decimals) and ranking style; published figures keep up to three decimals.

Revision ID: 110bc350bf8c
Revises: 7edc13959684
Create Date: 2026-11-29 10:05:15.320296

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '110bc350bf8c'
down_revision = '7edc13959684'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('precision', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('rank_style', sa.String(length=10), server_default='standard', nullable=False))

    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.alter_column('total',
               existing_type=sa.NUMERIC(precision=8, scale=2),
               type_=sa.Numeric(precision=9, scale=3),
               existing_nullable=True)
        batch_op.alter_column('deductions',
               existing_type=sa.NUMERIC(precision=8, scale=2),
               type_=sa.Numeric(precision=9, scale=3),
               existing_nullable=False)

    with op.batch_alter_table('result_team_entry', schema=None) as batch_op:
        batch_op.alter_column('score',
               existing_type=sa.NUMERIC(precision=8, scale=2),
               type_=sa.Numeric(precision=9, scale=3),
               existing_nullable=True)



def downgrade():
    with op.batch_alter_table('result_team_entry', schema=None) as batch_op:
        batch_op.alter_column('score',
               existing_type=sa.Numeric(precision=9, scale=3),
               type_=sa.NUMERIC(precision=8, scale=2),
               existing_nullable=True)

    with op.batch_alter_table('result_entry', schema=None) as batch_op:
        batch_op.alter_column('deductions',
               existing_type=sa.Numeric(precision=9, scale=3),
               type_=sa.NUMERIC(precision=8, scale=2),
               existing_nullable=False)
        batch_op.alter_column('total',
               existing_type=sa.Numeric(precision=9, scale=3),
               type_=sa.NUMERIC(precision=8, scale=2),
               existing_nullable=True)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('rank_style')
        batch_op.drop_column('precision')

