"""retired labels

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retired_labels',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_retired_labels_asset_id_assets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['retired_by_id'], ['users.id'], name=op.f('fk_retired_labels_retired_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_retired_labels'))
    )
    with op.batch_alter_table('retired_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retired_labels_asset_id'), ['asset_id'], unique=False)



def downgrade():
    with op.batch_alter_table('retired_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retired_labels_asset_id'))

    op.drop_table('retired_labels')
