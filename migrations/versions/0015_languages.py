"""languages: the company's default language and currency, each staff member's and customer's
language (empty: the company's)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("company_settings") as batch:
        batch.add_column(sa.Column("language", sa.String(16), nullable=False, server_default="en"))
        batch.add_column(sa.Column("currency", sa.String(3), nullable=False, server_default="EUR"))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(16), nullable=True))
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("language", sa.String(16), nullable=True))


def downgrade():
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("company_settings") as batch:
        batch.drop_column("currency")
        batch.drop_column("language")
