"""each product's next maintenance due date, kept in indexed columns for the planner

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

COLUMNS = ("maintenance_due_on", "maintenance_due_until", "maintenance_checked_on")


def upgrade():
    # Nullable columns: a plain ALTER TABLE ADD on both databases, no table copy. They start
    # empty ("not computed yet": the planner computes those products itself) and are filled by
    # `flask plan-maintenance`, which README says to run once after this upgrade (it runs daily).
    for name in COLUMNS:
        op.add_column('assets', sa.Column(name, sa.Date(), nullable=True))
    # The planner reads a range of due dates with what says each holds: all in the index.
    op.create_index('ix_assets_maintenance_due', 'assets',
                    ['maintenance_due_on', 'maintenance_checked_on', 'maintenance_due_until'])
    op.create_index('ix_assets_maintenance_due_until', 'assets', ['maintenance_due_until'])
    op.create_index('ix_assets_maintenance_checked_on', 'assets', ['maintenance_checked_on'])
    op.create_index('ix_cases_maintenance_due_on', 'cases', ['maintenance_due_on'])  # the few planned cases


def downgrade():
    op.drop_index('ix_cases_maintenance_due_on', 'cases')
    for name in ('ix_assets_maintenance_due', 'ix_assets_maintenance_due_until', 'ix_assets_maintenance_checked_on'):
        op.drop_index(name, 'assets')
    with op.batch_alter_table('assets') as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
