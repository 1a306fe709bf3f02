"""keeping the customer informed: messages by email and text in one outbox (channel, one row per
event/recipient/channel, unsubscribe link), links a customer answers by, message templates, a
customer's channels and consent, a visit's confirmation and expected arrival, and the settings

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbound_mail") as batch:
        batch.add_column(sa.Column("channel", sa.String(24), nullable=False, server_default="email"))
        batch.add_column(sa.Column("event_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("unsubscribe_url", sa.String(300), nullable=True))
        batch.add_column(sa.Column("visit_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint(op.f("uq_outbound_mail_event_key"), ["event_key"])
        batch.create_foreign_key(op.f("fk_outbound_mail_visit_id_visits"), "visits", ["visit_id"], ["id"],
                                 ondelete="SET NULL")
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("contact_by", sa.String(24), nullable=False, server_default="both"))
        batch.add_column(sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("consent_how", sa.String(200), nullable=True))
    with op.batch_alter_table("visits") as batch:
        batch.add_column(sa.Column("expected_arrival_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("company_settings") as batch:
        batch.add_column(sa.Column("messages_off", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("reminder_hours", sa.Integer(), nullable=False, server_default="24"))
        batch.add_column(sa.Column("survey_days", sa.Integer(), nullable=False, server_default="2"))
        batch.add_column(sa.Column("survey_valid_days", sa.Integer(), nullable=False, server_default="30"))
        batch.add_column(sa.Column("reschedule_days", sa.Integer(), nullable=False, server_default="14"))
        batch.add_column(sa.Column("reschedule_cutoff_hours", sa.Integer(), nullable=False, server_default="24"))
        batch.add_column(sa.Column("country", sa.String(2), nullable=False, server_default="NL"))
        batch.add_column(sa.Column("sms_url", sa.Text(), nullable=True))
        batch.create_check_constraint("reminder_hours_range", "reminder_hours BETWEEN 1 AND 168")
        batch.create_check_constraint("survey_days_range", "survey_days BETWEEN 0 AND 60")
        batch.create_check_constraint("survey_valid_days_range", "survey_valid_days BETWEEN 1 AND 365")
        batch.create_check_constraint("reschedule_days_range", "reschedule_days BETWEEN 1 AND 90")
        batch.create_check_constraint("reschedule_cutoff_range", "reschedule_cutoff_hours BETWEEN 0 AND 168")
    op.create_table(
        "customer_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(24), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_customer_links_case_id_cases"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], name=op.f("fk_customer_links_visit_id_visits"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_links_customer_id_customers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_customer_links_revoked_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_links")),
        sa.UniqueConstraint("token", name=op.f("uq_customer_links_token")),
    )
    op.create_index(op.f("ix_customer_links_case_id"), "customer_links", ["case_id"])
    op.create_index(op.f("ix_customer_links_visit_id"), "customer_links", ["visit_id"])
    op.create_index(op.f("ix_customer_links_customer_id"), "customer_links", ["customer_id"])
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_message_templates_updated_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
        sa.UniqueConstraint("kind", "language", name="one_template_per_kind_and_language"),
    )
    op.create_table(
        "opted_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opted_out")),
        sa.UniqueConstraint("address", name=op.f("uq_opted_out_address")),
    )
    op.create_table(
        "case_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("photo_name", sa.String(80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_messages_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_messages")),
        sa.UniqueConstraint("photo_name", name=op.f("uq_case_messages_photo_name")),
    )
    op.create_index(op.f("ix_case_messages_case_id"), "case_messages", ["case_id"])


def downgrade():
    op.drop_table("case_messages")
    op.drop_table("opted_out")
    op.drop_table("message_templates")
    op.drop_table("customer_links")
    with op.batch_alter_table("company_settings") as batch:
        for name in ("reminder_hours_range", "survey_days_range", "survey_valid_days_range", "reschedule_days_range",
                     "reschedule_cutoff_range"):
            batch.drop_constraint(name, type_="check")
        for column in ("sms_url", "country", "reschedule_cutoff_hours", "reschedule_days", "survey_valid_days",
                       "survey_days", "reminder_hours", "messages_off"):
            batch.drop_column(column)
    with op.batch_alter_table("visits") as batch:
        batch.drop_column("confirmed_at")
        batch.drop_column("expected_arrival_at")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("consent_how")
        batch.drop_column("consent_at")
        batch.drop_column("contact_by")
    with op.batch_alter_table("outbound_mail") as batch:
        batch.drop_constraint(op.f("fk_outbound_mail_visit_id_visits"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_outbound_mail_event_key"), type_="unique")
        for column in ("visit_id", "unsubscribe_url", "event_key", "channel"):
            batch.drop_column(column)
