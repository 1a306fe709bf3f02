"""fault codes: a taxonomy of symptoms, causes and remedies per product category, picked on visits;
indexes for the Reports dashboard

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

KINDS = ('symptom', 'cause', 'remedy')


def upgrade():
    op.create_table('fault_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=True),
    sa.Column('kind', sa.Enum(*KINDS, name='faultkind', native_enum=False, length=24), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fault_codes')),
    sa.UniqueConstraint('kind', 'category', 'code', name='uq_fault_codes_kind_category_code')
    )
    with op.batch_alter_table('fault_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fault_codes_category'), ['category'], unique=False)

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_completed_at'), ['completed_at'], unique=False)
        for kind in KINDS:
            batch_op.add_column(sa.Column(f'{kind}_code_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_visits_{kind}_code_id'), [f'{kind}_code_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_visits_{kind}_code_id_fault_codes'), 'fault_codes',
                                        [f'{kind}_code_id'], ['id'])

    # The Reports dashboard reads periods of these instants.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_resolved_at'), ['resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_first_response_at'), ['first_response_at'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_first_response_at'))
        batch_op.drop_index(batch_op.f('ix_cases_resolved_at'))

    with op.batch_alter_table('visits', schema=None) as batch_op:
        for kind in reversed(KINDS):
            batch_op.drop_constraint(batch_op.f(f'fk_visits_{kind}_code_id_fault_codes'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_visits_{kind}_code_id'))
            batch_op.drop_column(f'{kind}_code_id')
        batch_op.drop_index(batch_op.f('ix_visits_completed_at'))

    with op.batch_alter_table('fault_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fault_codes_category'))

    op.drop_table('fault_codes')
