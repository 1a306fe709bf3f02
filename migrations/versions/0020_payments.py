"""payments: the billable part of each completed visit, invoiced and paid in full or in part
(amount, day, method, reference), recorded by the office

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-09

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("amount_due_cents", sa.Integer(), nullable=False),
        sa.Column("invoice_number", sa.String(40), nullable=True),
        sa.Column("invoiced_on", sa.Date(), nullable=True),
        sa.Column("paid_cents", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(24), nullable=True),
        sa.Column("reference", sa.String(80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_due_cents >= 0", name=op.f("ck_payments_amount_due_not_negative")),
        sa.CheckConstraint("paid_cents >= 0", name=op.f("ck_payments_paid_not_negative")),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], name=op.f("fk_payments_visit_id_visits"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_payments_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_payments_visit_id")),
    )
    op.create_index(op.f("ix_payments_state"), "payments", ["state"])
    # What was billable on visits already completed is to be invoiced, or paid when the
    # technician marked it so.
    op.execute("""
        INSERT INTO payments (visit_id, state, amount_due_cents, paid_cents, updated_at)
        SELECT id, CASE WHEN payment_status = 'paid' THEN 'paid' ELSE 'to_invoice' END, billable_cents,
               CASE WHEN payment_status = 'paid' THEN billable_cents ELSE 0 END, CURRENT_TIMESTAMP
        FROM visits WHERE status = 'completed' AND billable_cents > 0
    """)


def downgrade():
    op.drop_index(op.f("ix_payments_state"), table_name="payments")
    op.drop_table("payments")
