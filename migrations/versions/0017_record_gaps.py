"""the record's gaps: several kinds of service on one visit, a part repaired rather than replaced,
a staff member's job title, a model's warranty conditions and exclusions (beside its terms) and
whether its specifications are shown on the public QR page, the company's return policy; ratings
belong to a case, with or without a visit (one without a visit per case), and the office may
take them

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
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("taken_by_id", sa.Integer(), nullable=True))
    op.execute("UPDATE ratings SET case_id = (SELECT visits.case_id FROM visits WHERE visits.id = ratings.visit_id)")
    with op.batch_alter_table("ratings") as batch:
        batch.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("visit_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(op.f("fk_ratings_case_id_cases"), "cases", ["case_id"], ["id"], ondelete="CASCADE")
        batch.create_foreign_key(op.f("fk_ratings_taken_by_id_users"), "users", ["taken_by_id"], ["id"])
        batch.create_index(op.f("ix_ratings_case_id"), ["case_id"])
    # One rating of the case as a whole (no visit) per case; a visit's stays one per visit.
    op.create_index("uq_ratings_case_without_visit", "ratings", ["case_id"], unique=True,
                    sqlite_where=sa.text("visit_id IS NULL"), postgresql_where=sa.text("visit_id IS NULL"))
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
    op.drop_index("uq_ratings_case_without_visit", table_name="ratings")
    op.execute("DELETE FROM ratings WHERE visit_id IS NULL")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_index(op.f("ix_ratings_case_id"))
        batch.drop_constraint(op.f("fk_ratings_taken_by_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_ratings_case_id_cases"), type_="foreignkey")
        batch.alter_column("visit_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("taken_by_id")
        batch.drop_column("case_id")
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
