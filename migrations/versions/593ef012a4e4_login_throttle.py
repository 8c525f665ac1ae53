"""login_throttle: login attempts counted per key in the database; user.failed_logins/locked_until dropped
(anonymous failures no longer lock an account)

Revision ID: 593ef012a4e4
Revises: 8b5bf9207e78
Create Date: 2026-11-29 09:58:03.298969

"""
import sqlalchemy as sa
from alembic import op

import competitions.db

revision = '593ef012a4e4'
down_revision = '8b5bf9207e78'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('last_try_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_try_at', competitions.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_account'), ['account'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', competitions.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_account'))

    op.drop_table('login_throttle')
