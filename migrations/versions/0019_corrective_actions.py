"""corrective actions: the office's log of what is done about a finding on the Reports page (a fault
code rising on a model, repeat visits, a low-rated aspect), with its owner, due date, status and
the day it took effect (the figure is compared before and after it)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-10

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "corrective_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.Enum("fault_code", "repeat_visits", "low_aspect", "other", name="findingkind",
                                  native_enum=False, length=24), nullable=False),
        sa.Column("product_model_id", sa.Integer(), nullable=True),
        sa.Column("fault_code_id", sa.Integer(), nullable=True),
        sa.Column("aspect", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Enum("planned", "in_progress", "done", "dropped", name="actionstatus",
                                    native_enum=False, length=24), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("aspect IS NULL OR aspect IN ('overall', 'timeliness', 'professionalism', 'quality', "
                           "'product_performance')", name=op.f("ck_corrective_actions_aspect_known")),
        sa.CheckConstraint("kind <> 'low_aspect' OR aspect IS NOT NULL",
                           name=op.f("ck_corrective_actions_low_aspect_named")),
        sa.CheckConstraint("kind <> 'fault_code' OR fault_code_id IS NOT NULL",
                           name=op.f("ck_corrective_actions_fault_code_named")),
        sa.ForeignKeyConstraint(["product_model_id"], ["product_models.id"],
                                name=op.f("fk_corrective_actions_product_model_id_product_models"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["fault_code_id"], ["fault_codes.id"],
                                name=op.f("fk_corrective_actions_fault_code_id_fault_codes")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_corrective_actions_owner_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_corrective_actions_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrective_actions")),
    )
    with op.batch_alter_table("corrective_actions") as batch:
        batch.create_index(batch.f("ix_corrective_actions_product_model_id"), ["product_model_id"], unique=False)
        batch.create_index(batch.f("ix_corrective_actions_fault_code_id"), ["fault_code_id"], unique=False)
        batch.create_index(batch.f("ix_corrective_actions_owner_id"), ["owner_id"], unique=False)
        batch.create_index(batch.f("ix_corrective_actions_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("corrective_actions") as batch:
        batch.drop_index(batch.f("ix_corrective_actions_status"))
        batch.drop_index(batch.f("ix_corrective_actions_owner_id"))
        batch.drop_index(batch.f("ix_corrective_actions_fault_code_id"))
        batch.drop_index(batch.f("ix_corrective_actions_product_model_id"))
    op.drop_table("corrective_actions")
