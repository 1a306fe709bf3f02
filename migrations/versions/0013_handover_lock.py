"""the hand-over lock on the server-side session (not the cookie), and the PIN as a phone checks
it without signal

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('user_sessions', sa.Column('handover_visit_id', sa.Integer(), nullable=True))
    op.add_column('user_sessions', sa.Column('handover_failures', sa.Integer(), nullable=False,
                                             server_default='0'))
    # A PIN set before this version has no verifier: the phone then needs signal to unlock
    # (the technician sets the PIN again to unlock without signal).
    op.add_column('users', sa.Column('pin_verifier', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('pin_verifier')
    with op.batch_alter_table('user_sessions') as batch_op:
        batch_op.drop_column('handover_failures')
        batch_op.drop_column('handover_visit_id')
