"""Boards and committees, their members, quorum rules and terms of reference; meetings, agendas,
papers, attendance, board packs and calendar subscriptions.

Revision ID: 0011_meetings
Revises: 0010_accounts_hardening
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_meetings'
down_revision = '0010_accounts_hardening'
branch_labels = None
depends_on = None

# Dropped in this order: every table before the tables it links to.
TABLES = ('meeting_papers', 'meeting_attendances', 'meeting_packs', 'calendar_feeds', 'board_members', 'agenda_items',
          'terms_of_reference', 'quorum_rules', 'meetings', 'boards')


def upgrade():
    op.create_table('boards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('frequency', sa.String(length=30), nullable=False),
    sa.Column('reports_to_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_boards_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_boards')),
    sa.UniqueConstraint('network_id', 'name', name=op.f('uq_boards_network_id_name'))
    )
    with op.batch_alter_table('boards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_boards_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_boards_reports_to_id'), ['reports_to_id'], unique=False)
        batch_op.create_index('uq_boards_network_id_id', ['network_id', 'id'], unique=True)
    # A committee reports to a board of the same network: the key it points at exists only now.
    with op.batch_alter_table('boards', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_boards_network_id_reports_to_id_boards'), 'boards',
                                    ['network_id', 'reports_to_id'], ['network_id', 'id'])

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('video_link', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancelled_reason', sa.Text(), nullable=False),
    sa.Column('papers_issued_at', sa.DateTime(), nullable=True),
    sa.Column('papers_issued_by_id', sa.Integer(), nullable=True),
    sa.Column('papers_issued_late', sa.Boolean(), nullable=False),
    sa.Column('issued_snapshot', sa.JSON(), nullable=True),
    sa.Column('calendar_sequence', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meetings_ends_after_it_starts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'board_id'], ['boards.network_id', 'boards.id'], name=op.f('fk_meetings_network_id_board_id_boards')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_meetings_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['papers_issued_by_id'], ['users.id'], name=op.f('fk_meetings_papers_issued_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_status'), ['status'], unique=False)
        batch_op.create_index('uq_meetings_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('quorum_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('minimum_present', sa.Integer(), nullable=True),
    sa.Column('fraction_numerator', sa.Integer(), nullable=True),
    sa.Column('fraction_denominator', sa.Integer(), nullable=True),
    sa.Column('kind_minimums', sa.JSON(), nullable=False),
    sa.Column('chair_required', sa.Boolean(), nullable=False),
    sa.Column('deputies_count', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(fraction_numerator IS NULL) = (fraction_denominator IS NULL)', name=op.f('ck_quorum_rules_fraction_whole')),
    sa.CheckConstraint('fraction_numerator IS NULL OR (fraction_numerator >= 1 AND fraction_numerator <= fraction_denominator)', name=op.f('ck_quorum_rules_fraction_at_most_one')),
    sa.CheckConstraint('minimum_present IS NULL OR minimum_present >= 1', name=op.f('ck_quorum_rules_minimum_positive')),
    sa.ForeignKeyConstraint(['network_id', 'board_id'], ['boards.network_id', 'boards.id'], name=op.f('fk_quorum_rules_network_id_board_id_boards')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_quorum_rules_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_quorum_rules_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quorum_rules')),
    sa.UniqueConstraint('board_id', 'effective_from', name=op.f('uq_quorum_rules_board_id_effective_from'))
    )
    with op.batch_alter_table('quorum_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quorum_rules_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quorum_rules_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_quorum_rules_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('terms_of_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('approval_note', sa.String(length=300), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_terms_of_reference_approved_by_id_users')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_terms_of_reference_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'board_id'], ['boards.network_id', 'boards.id'], name=op.f('fk_terms_of_reference_network_id_board_id_boards')),
    sa.ForeignKeyConstraint(['network_id', 'document_id'], ['issued_documents.network_id', 'issued_documents.id'], name=op.f('fk_terms_of_reference_network_id_document_id_issued_documents')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_terms_of_reference_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_of_reference')),
    sa.UniqueConstraint('board_id', 'number', name=op.f('uq_terms_of_reference_board_id_number'))
    )
    with op.batch_alter_table('terms_of_reference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_of_reference_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_terms_of_reference_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_terms_of_reference_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_terms_of_reference_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('presenter', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('papers_public', sa.Boolean(), nullable=False),
    sa.Column('standing_key', sa.String(length=30), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('NOT (confidential AND papers_public)', name=op.f('ck_agenda_items_confidential_papers_not_public')),
    sa.CheckConstraint('duration_minutes >= 0 AND duration_minutes <= 600', name=op.f('ck_agenda_items_duration_in_range')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_agenda_items_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_agenda_items_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'position', name=op.f('uq_agenda_items_meeting_id_position'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_items_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_agenda_items_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('board_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('voting', sa.Boolean(), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('to_date IS NULL OR to_date >= from_date', name=op.f('ck_board_members_ends_after_it_starts')),
    sa.ForeignKeyConstraint(['network_id', 'board_id'], ['boards.network_id', 'boards.id'], name=op.f('fk_board_members_network_id_board_id_boards')),
    sa.ForeignKeyConstraint(['network_id', 'membership_id'], ['memberships.network_id', 'memberships.id'], name=op.f('fk_board_members_network_id_membership_id_memberships')),
    sa.ForeignKeyConstraint(['network_id', 'partner_id'], ['partners.network_id', 'partners.id'], name=op.f('fk_board_members_network_id_partner_id_partners')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_board_members_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_members'))
    )
    with op.batch_alter_table('board_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_members_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_members_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_members_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_members_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('uq_board_members_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'membership_id'], ['memberships.network_id', 'memberships.id'], name=op.f('fk_calendar_feeds_network_id_membership_id_memberships')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_calendar_feeds_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('membership_id', name=op.f('uq_calendar_feeds_membership_id'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_calendar_feeds_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('meeting_packs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'document_id'], ['issued_documents.network_id', 'issued_documents.id'], name=op.f('fk_meeting_packs_network_id_document_id_issued_documents')),
    sa.ForeignKeyConstraint(['network_id', 'job_id'], ['document_jobs.network_id', 'document_jobs.id'], name=op.f('fk_meeting_packs_network_id_job_id_document_jobs')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_meeting_packs_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_meeting_packs_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_packs'))
    )
    with op.batch_alter_table('meeting_packs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_packs_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_packs_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_packs_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_packs_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_meeting_packs_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('meeting_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('board_member_id', sa.Integer(), nullable=True),
    sa.Column('guest_name', sa.String(length=200), nullable=False),
    sa.Column('guest_role', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('deputy_name', sa.String(length=200), nullable=False),
    sa.Column('arrived_at_item_id', sa.Integer(), nullable=True),
    sa.Column('left_at_item_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("board_member_id IS NOT NULL OR guest_name <> ''", name=op.f('ck_meeting_attendances_member_or_guest')),
    sa.ForeignKeyConstraint(['network_id', 'arrived_at_item_id'], ['agenda_items.network_id', 'agenda_items.id'], name=op.f('fk_meeting_attendances_network_id_arrived_at_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['network_id', 'board_member_id'], ['board_members.network_id', 'board_members.id'], name=op.f('fk_meeting_attendances_network_id_board_member_id_board_members')),
    sa.ForeignKeyConstraint(['network_id', 'left_at_item_id'], ['agenda_items.network_id', 'agenda_items.id'], name=op.f('fk_meeting_attendances_network_id_left_at_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_meeting_attendances_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_meeting_attendances_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendances')),
    sa.UniqueConstraint('meeting_id', 'board_member_id', name=op.f('uq_meeting_attendances_meeting_id_board_member_id'))
    )
    with op.batch_alter_table('meeting_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendances_board_member_id'), ['board_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendances_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendances_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_meeting_attendances_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('meeting_papers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_meeting_papers_not_empty')),
    sa.ForeignKeyConstraint(['network_id', 'agenda_item_id'], ['agenda_items.network_id', 'agenda_items.id'], name=op.f('fk_meeting_papers_network_id_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_meeting_papers_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_meeting_papers_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_meeting_papers_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_meeting_papers_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_papers'))
    )
    with op.batch_alter_table('meeting_papers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_papers_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_papers_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_papers_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_meeting_papers_network_id_id', ['network_id', 'id'], unique=True)


def downgrade():
    for table in TABLES:
        op.drop_table(table)
