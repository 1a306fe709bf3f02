"""technicians' last sync: when a phone last reached the server to send its queue or refresh
what it keeps for offline use

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column: a plain ALTER TABLE ADD on both databases, no table copy.
    op.add_column('users', sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('last_sync_at')
