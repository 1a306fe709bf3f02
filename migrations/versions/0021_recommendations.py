"""recommendations: what a technician recommends after a visit (kind, what, by when), with what
the office did about it (a follow-up planned, a case opened, declined)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-09

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("new_case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], name=op.f("fk_recommendations_visit_id_visits"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_recommendations_case_id_cases"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["follow_up_id"], ["follow_ups.id"],
                                name=op.f("fk_recommendations_follow_up_id_follow_ups"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["new_case_id"], ["cases.id"], name=op.f("fk_recommendations_new_case_id_cases"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["handled_by_id"], ["users.id"], name=op.f("fk_recommendations_handled_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
    )
    op.create_index(op.f("ix_recommendations_visit_id"), "recommendations", ["visit_id"])
    op.create_index(op.f("ix_recommendations_case_id"), "recommendations", ["case_id"])
    op.create_index(op.f("ix_recommendations_status"), "recommendations", ["status"])


def downgrade():
    op.drop_table("recommendations")
