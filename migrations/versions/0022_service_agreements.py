"""service agreements: a service sold to a customer without a product (what, for which site,
from, to, price, what it covers); it covers that customer's visits on the days it runs when the
product has no coverage of its own

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-09

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "service_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(60), nullable=True),
        sa.Column("what", sa.String(200), nullable=False),
        sa.Column("site", sa.Text(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("covers_parts", sa.Boolean(), nullable=False),
        sa.Column("covers_labour", sa.Boolean(), nullable=False),
        sa.Column("covers_transport", sa.Boolean(), nullable=False),
        sa.Column("maintenance_visits_per_year", sa.Integer(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sold_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_service_agreements_ends_after_start")),
        sa.CheckConstraint("price_cents IS NULL OR price_cents >= 0",
                           name=op.f("ck_service_agreements_price_not_negative")),
        sa.CheckConstraint("maintenance_visits_per_year >= 0",
                           name=op.f("ck_service_agreements_maintenance_visits_not_negative")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_service_agreements_customer_id_customers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sold_by_id"], ["users.id"], name=op.f("fk_service_agreements_sold_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_agreements")),
    )
    op.create_index(op.f("ix_service_agreements_customer_id"), "service_agreements", ["customer_id"])
    op.create_index(op.f("ix_service_agreements_ends_on"), "service_agreements", ["ends_on"])


def downgrade():
    op.drop_table("service_agreements")
