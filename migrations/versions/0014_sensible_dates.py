"""typed dates kept within 1900-2200: values typed before forms bounded them (a warranty ending
9999-12-31) made every later page of that product fail when it added a day

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)
TYPED_DATES = {
    "assets": ["sales_date"],
    "coverages": ["starts_on", "ends_on"],
    "cases": ["closed_on"],
    "follow_ups": ["due_on"],
}


def upgrade():
    for table, columns in TYPED_DATES.items():
        for column in columns:
            target = sa.table(table, sa.column(column, sa.Date()))
            op.execute(target.update().where(target.c[column] > LATEST).values({column: LATEST}))
            op.execute(target.update().where(target.c[column] < EARLIEST).values({column: EARLIEST}))


def downgrade():
    pass  # the values clamped were never dates anyone meant
