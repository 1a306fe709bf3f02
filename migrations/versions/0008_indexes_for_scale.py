"""indexes for a million visits: a technician's day, the open-case queue, one record's audit
trail, last maintenance per product

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Plain index operations: no table is copied, even on SQLite (a million visits stay put).
    op.drop_index('ix_visits_technician_id', table_name='visits')
    op.create_index('ix_visits_technician_id_scheduled_start', 'visits', ['technician_id', 'scheduled_start'])
    op.create_index('ix_visits_service_type_status', 'visits', ['service_type', 'status', 'case_id', 'completed_at'])
    op.drop_index('ix_cases_needs_attention', table_name='cases')
    op.create_index('ix_audit_events_entity', 'audit_events', ['entity_type', 'entity_id'])


def downgrade():
    op.drop_index('ix_audit_events_entity', table_name='audit_events')
    op.create_index('ix_cases_needs_attention', 'cases', ['needs_attention'])
    op.drop_index('ix_visits_service_type_status', table_name='visits')
    op.drop_index('ix_visits_technician_id_scheduled_start', table_name='visits')
    op.create_index('ix_visits_technician_id', 'visits', ['technician_id'])
