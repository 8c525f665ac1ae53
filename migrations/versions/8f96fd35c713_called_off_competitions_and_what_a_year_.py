"""Competitions called off before they opened (called_off_at), and what a year's statistics wait for.

An archived competition that nobody ever entered (no registration, no results, no labour unit, no innovation entry)
was archived straight from its draft: it is marked called off as of its last change, so statistics stop counting it
as held. Compilations get the counts of results and promotions they waited for (0 until compiled again).

Revision ID: 8f96fd35c713
Revises: a5b6581e075b
Create Date: 2026-11-29 16:07:41.239392

"""
from alembic import op
import sqlalchemy as sa

import competitions.db



# revision identifiers, used by Alembic.
revision = '8f96fd35c713'
down_revision = 'a5b6581e075b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('competition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('called_off_at', competitions.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("""
        UPDATE competition SET called_off_at = updated_at
        WHERE status = 'archived'
          AND NOT EXISTS (SELECT 1 FROM event e JOIN registration r ON r.event_id = e.id
                          WHERE e.competition_id = competition.id)
          AND NOT EXISTS (SELECT 1 FROM result_snapshot s WHERE s.competition_id = competition.id)
          AND NOT EXISTS (SELECT 1 FROM labour_unit u WHERE u.competition_id = competition.id)
          AND NOT EXISTS (SELECT 1 FROM innovation_entry i WHERE i.competition_id = competition.id)""")

    with op.batch_alter_table('stat_compilation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_pending', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('promotions_pending', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('stat_compilation', schema=None) as batch_op:
        batch_op.drop_column('promotions_pending')
        batch_op.drop_column('results_pending')

    with op.batch_alter_table('competition', schema=None) as batch_op:
        batch_op.drop_column('called_off_at')

