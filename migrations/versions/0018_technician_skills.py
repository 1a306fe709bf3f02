"""technicians' skills: the product categories each technician is qualified for (process step 5,
the required expertise), one row per technician and category

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-10

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # The unique key (user_id first) is also the index that reads a technician's skills.
    op.create_table(
        "technician_skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_technician_skills_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technician_skills")),
        sa.UniqueConstraint("user_id", "category", name=op.f("uq_technician_skills_user_id_category")),
    )


def downgrade():
    op.drop_table("technician_skills")
