"""Reading slots: a measured criterion's readings are numbered 1..N per competitor, under a unique index.

Two judges writing a read-once criterion's first reading at the same instant could both be stored on
PostgreSQL (the insert's count of other readings saw none in either READ COMMITTED transaction). Each reading
of a measurement criterion now takes a slot, chosen by the insert, and a partial unique index on (competitor,
criterion, slot) lets only one reading into each slot. Existing readings are numbered in the order they were
taken (mark id); a cell that already holds more readings than its criterion takes keeps them all (slots
beyond the limit), as the chief judge's readings page lists it until it is settled. Judgement marks keep NULL.

Revision ID: a5b6581e075b
Revises: c4f1a2b7d9e3
Create Date: 2026-11-29 15:52:30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5b6581e075b'
down_revision = 'c4f1a2b7d9e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reading_slot', sa.Integer(), nullable=True))
    op.execute("""
        UPDATE mark SET reading_slot = (
            SELECT count(*) FROM mark AS earlier
            WHERE earlier.registration_id = mark.registration_id AND earlier.criterion_id = mark.criterion_id
              AND earlier.id <= mark.id)
        WHERE criterion_id IN (SELECT id FROM criterion WHERE kind = 'measurement')""")
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.create_index('uq_mark_reading_slot', ['registration_id', 'criterion_id', 'reading_slot'],
                              unique=True, sqlite_where=sa.text('reading_slot IS NOT NULL'),
                              postgresql_where=sa.text('reading_slot IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.drop_index('uq_mark_reading_slot', sqlite_where=sa.text('reading_slot IS NOT NULL'),
                            postgresql_where=sa.text('reading_slot IS NOT NULL'))
        batch_op.drop_column('reading_slot')
