"""customer search through an index: search_text on customers, trigram-indexed (FTS5 on
SQLite, pg_trgm on PostgreSQL), filled for the customers already there

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24

"""
import sqlalchemy as sa
from alembic import op

from fieldapp.models import search

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('customers', sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name, email, address, phone FROM customers")).all()
    if rows:
        connection.execute(sa.text("UPDATE customers SET search_text = :text WHERE id = :id"),
                           [{"id": row.id, "text": search.search_text(row.name, row.email, row.address, row.phone)}
                            for row in rows])
    if connection.dialect.name == 'sqlite':
        search.create_sqlite_index(connection)
    elif connection.dialect.name == 'postgresql':
        search.create_pg_index(connection)


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == 'sqlite':
        search.drop_sqlite_index(connection)
    elif connection.dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {search.PG_INDEX}')
    with op.batch_alter_table('customers') as batch_op:
        batch_op.drop_column('search_text')
