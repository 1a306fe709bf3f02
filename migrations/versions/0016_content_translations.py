"""content translations: customer-facing text the office writes per language (care tips, return
conditions, manual and video titles, FAQ entries, fault-code meanings); the records' own columns
keep the company's language

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translations")),
    )
    # The unique key is also the index every read uses (a record's translations in one language).
    with op.batch_alter_table("content_translations") as batch:
        batch.create_unique_constraint("uq_content_translations_kind_record_id_field_language",
                                       ["kind", "record_id", "field", "language"])


def downgrade():
    op.drop_table("content_translations")
