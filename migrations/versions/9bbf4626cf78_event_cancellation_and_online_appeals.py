"""Events can be cancelled (取消, with a reason); competitions may take appeals online

Revision ID: 9bbf4626cf78
Revises: 0e125d19a1d8
Create Date: 2026-11-29 09:28:58.168601

"""
from alembic import op
import sqlalchemy as sa

import competitions.db


# revision identifiers, used by Alembic.
revision = '9bbf4626cf78'
down_revision = '0e125d19a1d8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('competition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_appeals', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', competitions.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_event_cancelled_by_id_user'), 'user', ['cancelled_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_cancelled_by_id_user'), type_='foreignkey')
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('competition', schema=None) as batch_op:
        batch_op.drop_column('online_appeals')

