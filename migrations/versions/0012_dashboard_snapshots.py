"""the Reports page computed ahead for its preset periods (flask refresh-reports, from cron)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'dashboard_snapshots',
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('good_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('first_day', 'last_day', name=op.f('pk_dashboard_snapshots')),
    )


def downgrade():
    op.drop_table('dashboard_snapshots')
