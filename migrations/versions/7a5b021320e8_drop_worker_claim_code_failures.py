"""Drop worker.claim_code_failures: wrong claim-code tries are counted per account and address since
a70de78 (a count on the record let anyone knowing an ID number spoil its code); the column was only reset.

Revision ID: 7a5b021320e8
Revises: eabbe9e0fb18
Create Date: 2026-11-29 12:38:57.099020

"""
from alembic import op
import sqlalchemy as sa

import competitions.db


# revision identifiers, used by Alembic.
revision = '7a5b021320e8'
down_revision = 'eabbe9e0fb18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_column('claim_code_failures')


def downgrade():
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_code_failures', sa.INTEGER(), server_default=sa.text("'0'"), nullable=False))

