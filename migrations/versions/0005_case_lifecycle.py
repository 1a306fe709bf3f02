"""case lifecycle: events, attention items, remote support, scheduling fields, visit totals

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# Old status values and what they are called now.
RENAMED = {"visit_scheduled": "scheduled", "follow_up": "visit_needed"}


def _aware(value):
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def upgrade():
    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=24), nullable=True),
    sa.Column('to_status', sa.String(length=24), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_events_user_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_case_events_visit_id_visits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('attention_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('clear_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attention_items_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cleared_by_id'], ['users.id'], name=op.f('fk_attention_items_cleared_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attention_items'))
    )
    with op.batch_alter_table('attention_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attention_items_case_id'), ['case_id'], unique=False)

    op.create_table('remote_support_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=24), nullable=False),
    sa.Column('steps', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_remote_support_sessions_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_remote_support_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remote_support_sessions'))
    )
    with op.batch_alter_table('remote_support_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remote_support_sessions_case_id'), ['case_id'], unique=False)

    bind = op.get_bind()
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('status', sa.String),
                     sa.column('created_at', sa.DateTime(timezone=True)), sa.column('created_by_id', sa.Integer),
                     sa.column('needs_attention', sa.Boolean), sa.column('attention_reason', sa.String))
    for old, new in RENAMED.items():
        bind.execute(cases.update().where(cases.c.status == old).values(status=new))
    events = sa.table('case_events', sa.column('case_id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
                      sa.column('user_id', sa.Integer), sa.column('kind', sa.String), sa.column('to_status', sa.String))
    items = sa.table('attention_items', sa.column('case_id', sa.Integer), sa.column('reason', sa.String),
                     sa.column('raised_at', sa.DateTime(timezone=True)))
    now = datetime.now(timezone.utc)
    for row in bind.execute(sa.select(cases)).mappings().all():
        # The timeline of an existing case starts with its opening, in its current status.
        bind.execute(events.insert().values(case_id=row["id"], at=_aware(row["created_at"]),
                                            user_id=row["created_by_id"], kind="opened", to_status=row["status"]))
        if row["needs_attention"]:
            bind.execute(items.insert().values(case_id=row["id"], reason=row["attention_reason"] or "Needs attention",
                                               raised_at=now))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_category', sa.String(length=80), nullable=True))
        batch_op.drop_column('attention_reason')

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected_minutes', sa.Integer(), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('notes_for_technician', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('schedule_version', sa.Integer(), server_default='1', nullable=False))
        for name in ('labour_cents', 'parts_cents', 'total_cents', 'covered_cents', 'billable_cents'):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_visits_expected_minutes_positive'), 'expected_minutes > 0')


def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_visits_expected_minutes_positive'), type_='check')
        for name in ('billable_cents', 'covered_cents', 'total_cents', 'parts_cents', 'labour_cents',
                     'schedule_version', 'notes_for_technician', 'expected_minutes'):
            batch_op.drop_column(name)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attention_reason', sa.String(length=200), nullable=True))
        batch_op.drop_column('assessment_category')

    bind = op.get_bind()
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('status', sa.String))
    for old, new in RENAMED.items():
        bind.execute(cases.update().where(cases.c.status == new).values(status=old))
    # Statuses the old version did not know fall back to the nearest it did.
    for new, old in {"in_progress": "visit_scheduled", "waiting_customer": "assessing",
                     "waiting_parts": "follow_up", "reopened": "new"}.items():
        bind.execute(cases.update().where(cases.c.status == new).values(status=old))

    op.drop_table('remote_support_sessions')
    op.drop_table('attention_items')
    op.drop_table('case_events')
