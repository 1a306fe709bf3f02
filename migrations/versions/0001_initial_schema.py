"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_name'), ['name'], unique=False)

    op.create_table('number_sequences',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_number_sequences'))
    )
    op.create_table('parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('unit_price_cents', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('unit_price_cents >= 0', name=op.f('ck_parts_unit_price_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parts')),
    sa.UniqueConstraint('sku', name=op.f('uq_parts_sku'))
    )
    with op.batch_alter_table('parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parts_name'), ['name'], unique=False)

    op.create_table('product_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('model_number', sa.String(length=60), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=True),
    sa.Column('specifications', sa.Text(), nullable=True),
    sa.Column('warranty_months', sa.Integer(), nullable=False),
    sa.Column('warranty_terms', sa.Text(), nullable=True),
    sa.Column('maintenance_interval_months', sa.Integer(), nullable=True),
    sa.Column('return_window_days', sa.Integer(), nullable=False),
    sa.Column('care_tips', sa.Text(), nullable=True),
    sa.CheckConstraint('maintenance_interval_months IS NULL OR maintenance_interval_months > 0', name=op.f('ck_product_models_maintenance_interval_positive')),
    sa.CheckConstraint('return_window_days >= 0', name=op.f('ck_product_models_return_window_not_negative')),
    sa.CheckConstraint('warranty_months >= 0', name=op.f('ck_product_models_warranty_months_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_models')),
    sa.UniqueConstraint('model_number', name=op.f('uq_product_models_model_number'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('role', sa.Enum('technician', 'dispatcher', 'admin', name='role', native_enum=False, length=24), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial_number', sa.String(length=80), nullable=False),
    sa.Column('product_model_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('sales_date', sa.Date(), nullable=False),
    sa.Column('install_address', sa.Text(), nullable=True),
    sa.Column('qr_token', sa.String(length=64), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_assets_customer_id_customers')),
    sa.ForeignKeyConstraint(['product_model_id'], ['product_models.id'], name=op.f('fk_assets_product_model_id_product_models')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assets')),
    sa.UniqueConstraint('qr_token', name=op.f('uq_assets_qr_token')),
    sa.UniqueConstraint('serial_number', name=op.f('uq_assets_serial_number'))
    )
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assets_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assets_product_model_id'), ['product_model_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_user_id'), ['user_id'], unique=False)

    op.create_table('failed_logins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_failed_logins_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_logins'))
    )
    with op.batch_alter_table('failed_logins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_failed_logins_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_failed_logins_client'), ['client'], unique=False)
        batch_op.create_index(batch_op.f('ix_failed_logins_email'), ['email'], unique=False)

    op.create_table('product_resources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_model_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('manual', 'faq', 'video', name='resourcekind', native_enum=False, length=24), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['product_model_id'], ['product_models.id'], name=op.f('fk_product_resources_product_model_id_product_models'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_resources'))
    )
    with op.batch_alter_table('product_resources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_resources_product_model_id'), ['product_model_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=160), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('preferred_time', sa.String(length=160), nullable=True),
    sa.Column('channel', sa.Enum('phone', 'email', 'chat', 'web', 'qr', name='channel', native_enum=False, length=24), nullable=False),
    sa.Column('case_type', sa.Enum('repair', 'installation', 'maintenance', 'question', 'return', name='casetype', native_enum=False, length=24), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('priority', sa.Enum('low', 'normal', 'high', 'urgent', name='priority', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('new', 'assessing', 'remote_support', 'visit_scheduled', 'follow_up', 'resolved', 'closed', 'cancelled', name='casestatus', native_enum=False, length=24), nullable=False),
    sa.Column('assessment_notes', sa.Text(), nullable=True),
    sa.Column('remote_support_notes', sa.Text(), nullable=True),
    sa.Column('resolution_summary', sa.Text(), nullable=True),
    sa.Column('needs_attention', sa.Boolean(), nullable=False),
    sa.Column('attention_reason', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_cases_asset_id_assets')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_cases_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_needs_attention'), ['needs_attention'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_status'), ['status'], unique=False)

    op.create_table('coverages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('standard_warranty', 'extended_warranty', 'service_contract', name='coveragekind', native_enum=False, length=24), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('covers_parts', sa.Boolean(), nullable=False),
    sa.Column('covers_labour', sa.Boolean(), nullable=False),
    sa.Column('covers_transport', sa.Boolean(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_coverages_ends_after_start')),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], name=op.f('fk_coverages_asset_id_assets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverages'))
    )
    with op.batch_alter_table('coverages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverages_asset_id'), ['asset_id'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('on_site_rating', 'qr_rating', 'phone', 'email', 'chat', 'web', name='complaintsource', native_enum=False, length=24), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_complaints_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_complaints_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_case_id'), ['case_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('call', 'visit', 'email', 'survey', name='followupkind', native_enum=False, length=24), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_follow_ups_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_follow_ups_created_by_id_users')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_follow_ups_done_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_due_on'), ['due_on'], unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('technician_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scheduled_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_type', sa.Enum('installation', 'troubleshooting', 'maintenance', 'repair', 'upgrade', 'warranty_service', name='servicetype', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'travelling', 'on_site', 'completed', 'not_completed', 'cancelled', name='visitstatus', native_enum=False, length=24), nullable=False),
    sa.Column('travel_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('not_completed_reason', sa.Enum('no_access', 'parts_needed', 'customer_absent', 'other', name='notcompletedreason', native_enum=False, length=24), nullable=True),
    sa.Column('not_completed_note', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Enum('resolved', 'partially_resolved', 'not_resolved', 'needs_follow_up', name='outcome', native_enum=False, length=24), nullable=True),
    sa.Column('actions_taken', sa.Text(), nullable=True),
    sa.Column('preventative_advice', sa.Text(), nullable=True),
    sa.Column('follow_up', sa.Enum('none', 'call', 'visit', name='followuprecommendation', native_enum=False, length=24), nullable=False),
    sa.Column('follow_up_days', sa.Integer(), nullable=True),
    sa.Column('next_steps', sa.Text(), nullable=True),
    sa.Column('labour_minutes', sa.Integer(), nullable=True),
    sa.Column('transport_cost_cents', sa.Integer(), nullable=False),
    sa.Column('payment_status', sa.Enum('covered_warranty', 'covered_contract', 'to_invoice', 'paid', name='paymentstatus', native_enum=False, length=24), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('follow_up_days IS NULL OR follow_up_days > 0', name=op.f('ck_visits_follow_up_days_positive')),
    sa.CheckConstraint('labour_minutes IS NULL OR labour_minutes >= 0', name=op.f('ck_visits_labour_not_negative')),
    sa.CheckConstraint('scheduled_end > scheduled_start', name=op.f('ck_visits_window_ends_after_start')),
    sa.CheckConstraint('transport_cost_cents >= 0', name=op.f('ck_visits_transport_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_visits_case_id_cases')),
    sa.ForeignKeyConstraint(['technician_id'], ['users.id'], name=op.f('fk_visits_technician_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_scheduled_start'), ['scheduled_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_technician_id'), ['technician_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('overall', sa.Integer(), nullable=False),
    sa.Column('timeliness', sa.Integer(), nullable=False),
    sa.Column('professionalism', sa.Integer(), nullable=False),
    sa.Column('quality', sa.Integer(), nullable=False),
    sa.Column('product_performance', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.Column('complaint', sa.Text(), nullable=True),
    sa.Column('source', sa.Enum('on_site', 'qr', name='ratingsource', native_enum=False, length=24), nullable=False),
    sa.Column('signer_name', sa.String(length=160), nullable=True),
    sa.Column('signature_svg', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('overall BETWEEN 1 AND 5', name=op.f('ck_ratings_overall_1_to_5')),
    sa.CheckConstraint('product_performance BETWEEN 1 AND 5', name=op.f('ck_ratings_product_performance_1_to_5')),
    sa.CheckConstraint('professionalism BETWEEN 1 AND 5', name=op.f('ck_ratings_professionalism_1_to_5')),
    sa.CheckConstraint('quality BETWEEN 1 AND 5', name=op.f('ck_ratings_quality_1_to_5')),
    sa.CheckConstraint('timeliness BETWEEN 1 AND 5', name=op.f('ck_ratings_timeliness_1_to_5')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_ratings_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_ratings_visit_id'))
    )
    op.create_table('visit_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost_cents', sa.Integer(), nullable=False),
    sa.Column('faulty_serial', sa.String(length=80), nullable=True),
    sa.Column('replacement_serial', sa.String(length=80), nullable=True),
    sa.Column('covered', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_visit_parts_quantity_positive')),
    sa.CheckConstraint('unit_cost_cents >= 0', name=op.f('ck_visit_parts_unit_cost_not_negative')),
    sa.ForeignKeyConstraint(['part_id'], ['parts.id'], name=op.f('fk_visit_parts_part_id_parts')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_parts_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_parts'))
    )
    with op.batch_alter_table('visit_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_parts_part_id'), ['part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_parts_visit_id'), ['visit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('visit_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_parts_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_parts_part_id'))

    op.drop_table('visit_parts')
    op.drop_table('ratings')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_technician_id'))
        batch_op.drop_index(batch_op.f('ix_visits_scheduled_start'))
        batch_op.drop_index(batch_op.f('ix_visits_case_id'))

    op.drop_table('visits')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_due_on'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_case_id'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_case_id'))

    op.drop_table('complaints')
    with op.batch_alter_table('coverages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverages_asset_id'))

    op.drop_table('coverages')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_status'))
        batch_op.drop_index(batch_op.f('ix_cases_needs_attention'))
        batch_op.drop_index(batch_op.f('ix_cases_customer_id'))
        batch_op.drop_index(batch_op.f('ix_cases_created_at'))
        batch_op.drop_index(batch_op.f('ix_cases_asset_id'))

    op.drop_table('cases')
    with op.batch_alter_table('product_resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_resources_product_model_id'))

    op.drop_table('product_resources')
    with op.batch_alter_table('failed_logins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_failed_logins_email'))
        batch_op.drop_index(batch_op.f('ix_failed_logins_client'))
        batch_op.drop_index(batch_op.f('ix_failed_logins_at'))

    op.drop_table('failed_logins')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))

    op.drop_table('audit_events')
    with op.batch_alter_table('assets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assets_product_model_id'))
        batch_op.drop_index(batch_op.f('ix_assets_customer_id'))

    op.drop_table('assets')
    op.drop_table('users')
    op.drop_table('product_models')
    with op.batch_alter_table('parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parts_name'))

    op.drop_table('parts')
    op.drop_table('number_sequences')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_name'))

    op.drop_table('customers')
