"""the record's gaps: several kinds of service on one visit, a part repaired rather than replaced,
a staff member's job title, a model's warranty conditions and exclusions (beside its terms) and
whether its specifications are shown on the public QR page, and the company's return policy

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("extra_service_types", sa.String(200), nullable=True))
    with op.batch_alter_table("visit_parts") as batch:
        batch.add_column(sa.Column("repaired", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("job_title", sa.String(80), nullable=True))
    with op.batch_alter_table("company_settings") as batch:
        batch.add_column(sa.Column("return_policy", sa.Text(), nullable=True))
    with op.batch_alter_table("product_models") as batch:
        batch.add_column(sa.Column("warranty_conditions", sa.Text(), nullable=True))
        batch.add_column(sa.Column("specifications_public", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("product_models") as batch:
        batch.drop_column("specifications_public")
        batch.drop_column("warranty_conditions")
    with op.batch_alter_table("company_settings") as batch:
        batch.drop_column("return_policy")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("job_title")
    with op.batch_alter_table("visit_parts") as batch:
        batch.drop_column("repaired")
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("extra_service_types")
