"""user.session_version: raised to end every session and remember-me cookie of an account

Revision ID: b2cb985f0e91
Revises: 4bb467f72d34
Create Date: 2026-11-29 09:38:33.141273

"""
import sqlalchemy as sa
from alembic import op

revision = 'b2cb985f0e91'
down_revision = '4bb467f72d34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
