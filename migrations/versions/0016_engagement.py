"""Patient engagement: panels and members, profile counts, activities and attachments, feedback.

What a patient wrote is kept in feedback_originals, which triggers make append-only; who sent an
item is kept apart in feedback_senders; the public form's uses are counted per address in
public_feedback_uses (so the rate limit holds across app servers).

Revision ID: 0016_engagement
Revises: 0015_decisions
Create Date: 2026-11-30 01:00:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0016_engagement'
down_revision = '0015_decisions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('engagement_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acknowledge_days', sa.Integer(), nullable=False),
    sa.Column('respond_days', sa.Integer(), nullable=False),
    sa.Column('public_form_open', sa.Boolean(), nullable=False),
    sa.Column('privacy_notice', sa.Text(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('acknowledge_days BETWEEN 1 AND 60', name=op.f('ck_engagement_settings_acknowledge_days_range')),
    sa.CheckConstraint('respond_days BETWEEN 1 AND 120', name=op.f('ck_engagement_settings_respond_days_range')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_engagement_settings_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_settings')),
    sa.UniqueConstraint('network_id', name=op.f('uq_engagement_settings_network_id'))
    )
    with op.batch_alter_table('engagement_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_settings_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_engagement_settings_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('public_feedback_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_public_feedback_uses_network_id_networks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_feedback_uses'))
    )
    with op.batch_alter_table('public_feedback_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_feedback_uses_address_hash'), ['address_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_feedback_uses_used_at'), ['used_at'], unique=False)

    op.create_table('patient_panels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('last_review_on', sa.Date(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(kind = 'practice') = (partner_id IS NOT NULL)", name=op.f('ck_patient_panels_practice_has_partner')),
    sa.CheckConstraint("kind IN ('network', 'practice')", name=op.f('ck_patient_panels_known_kind')),
    sa.ForeignKeyConstraint(['network_id', 'partner_id'], ['partners.network_id', 'partners.id'], name=op.f('fk_patient_panels_network_id_partner_id_partners')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_patient_panels_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_panels')),
    sa.UniqueConstraint('network_id', 'name', name=op.f('uq_patient_panels_network_id_name'))
    )
    with op.batch_alter_table('patient_panels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_panels_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_panels_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('uq_patient_panels_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('engagement_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('workstream_id', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('learned', sa.Text(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('participants >= 0', name=op.f('ck_engagement_activities_participants_not_negative')),
    sa.ForeignKeyConstraint(['network_id', 'workstream_id'], ['workstreams.network_id', 'workstreams.id'], name=op.f('fk_engagement_activities_network_id_workstream_id_workstreams')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_engagement_activities_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_activities'))
    )
    with op.batch_alter_table('engagement_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_activities_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagement_activities_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagement_activities_workstream_id'), ['workstream_id'], unique=False)
        batch_op.create_index('uq_engagement_activities_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('feedback_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('workstream_id', sa.Integer(), nullable=True),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('feeling', sa.Integer(), nullable=True),
    sa.Column('shown_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('theme', sa.String(length=100), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledge_due', sa.Date(), nullable=False),
    sa.Column('respond_due', sa.Date(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('in_progress_at', sa.DateTime(), nullable=True),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_wording', sa.Text(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("NOT published OR published_wording <> ''", name=op.f('ck_feedback_items_published_has_wording')),
    sa.CheckConstraint("source IN ('panel', 'public')", name=op.f('ck_feedback_items_known_source')),
    sa.CheckConstraint("status = 'received' OR acknowledged_at IS NOT NULL", name=op.f('ck_feedback_items_acknowledged_dated')),
    sa.CheckConstraint("status IN ('received', 'acknowledged', 'in_progress', 'responded', 'closed')", name=op.f('ck_feedback_items_known_status')),
    sa.CheckConstraint("status NOT IN ('responded', 'closed') OR responded_at IS NOT NULL", name=op.f('ck_feedback_items_responded_dated')),
    sa.CheckConstraint('feeling IS NULL OR feeling BETWEEN 0 AND 5', name=op.f('ck_feedback_items_known_feeling')),
    sa.ForeignKeyConstraint(['network_id', 'owner_id'], ['memberships.network_id', 'memberships.id'], name=op.f('fk_feedback_items_network_id_owner_id_memberships')),
    sa.ForeignKeyConstraint(['network_id', 'workstream_id'], ['workstreams.network_id', 'workstreams.id'], name=op.f('fk_feedback_items_network_id_workstream_id_workstreams')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_feedback_items_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_items'))
    )
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_items_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_items_workstream_id'), ['workstream_id'], unique=False)
        batch_op.create_index('uq_feedback_items_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('panel_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('left_on IS NULL OR left_on >= joined_on', name=op.f('ck_panel_members_leaves_after_joining')),
    sa.ForeignKeyConstraint(['network_id', 'panel_id'], ['patient_panels.network_id', 'patient_panels.id'], name=op.f('fk_panel_members_network_id_panel_id_patient_panels')),
    sa.ForeignKeyConstraint(['network_id', 'partner_id'], ['partners.network_id', 'partners.id'], name=op.f('fk_panel_members_network_id_partner_id_partners')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_panel_members_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_members'))
    )
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_members_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_members_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_members_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('uq_panel_members_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('profile_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=True),
    sa.Column('band', sa.String(length=30), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('people >= 0', name=op.f('ck_profile_counts_not_negative')),
    sa.ForeignKeyConstraint(['network_id', 'panel_id'], ['patient_panels.network_id', 'patient_panels.id'], name=op.f('fk_profile_counts_network_id_panel_id_patient_panels')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_profile_counts_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_counts')),
    sa.UniqueConstraint('network_id', 'panel_id', 'band', name=op.f('uq_profile_counts_network_id_panel_id_band'))
    )
    with op.batch_alter_table('profile_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_counts_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_counts_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index('uq_profile_counts_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('activity_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_activity_attachments_not_empty')),
    sa.ForeignKeyConstraint(['network_id', 'activity_id'], ['engagement_activities.network_id', 'engagement_activities.id'], name=op.f('fk_activity_attachments_network_id_activity_id_engagement_activities')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_activity_attachments_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_activity_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_attachments'))
    )
    with op.batch_alter_table('activity_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_attachments_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_attachments_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_activity_attachments_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('feedback_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'feedback_id'], ['feedback_items.network_id', 'feedback_items.id'], name=op.f('fk_feedback_links_network_id_feedback_id_feedback_items')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_feedback_links_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_links')),
    sa.UniqueConstraint('feedback_id', 'kind', 'target_id', name=op.f('uq_feedback_links_feedback_id_kind_target_id'))
    )
    with op.batch_alter_table('feedback_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_links_feedback_id'), ['feedback_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_links_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_feedback_links_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('feedback_originals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('written_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'feedback_id'], ['feedback_items.network_id', 'feedback_items.id'], name=op.f('fk_feedback_originals_network_id_feedback_id_feedback_items')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_feedback_originals_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_originals')),
    sa.UniqueConstraint('feedback_id', name=op.f('uq_feedback_originals_feedback_id'))
    )
    with op.batch_alter_table('feedback_originals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_originals_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_feedback_originals_network_id_id', ['network_id', 'id'], unique=True)
    make_append_only('feedback_originals')

    op.create_table('feedback_senders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email_on_change', sa.Boolean(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'feedback_id'], ['feedback_items.network_id', 'feedback_items.id'], name=op.f('fk_feedback_senders_network_id_feedback_id_feedback_items')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_feedback_senders_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_senders_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_senders')),
    sa.UniqueConstraint('feedback_id', name=op.f('uq_feedback_senders_feedback_id'))
    )
    with op.batch_alter_table('feedback_senders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_senders_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_senders_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_feedback_senders_network_id_id', ['network_id', 'id'], unique=True)



def downgrade():
    with op.batch_alter_table('feedback_senders', schema=None) as batch_op:
        batch_op.drop_index('uq_feedback_senders_network_id_id')
        batch_op.drop_index(batch_op.f('ix_feedback_senders_user_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_senders_network_id'))

    op.drop_table('feedback_senders')
    drop_append_only('feedback_originals')
    with op.batch_alter_table('feedback_originals', schema=None) as batch_op:
        batch_op.drop_index('uq_feedback_originals_network_id_id')
        batch_op.drop_index(batch_op.f('ix_feedback_originals_network_id'))

    op.drop_table('feedback_originals')
    with op.batch_alter_table('feedback_links', schema=None) as batch_op:
        batch_op.drop_index('uq_feedback_links_network_id_id')
        batch_op.drop_index(batch_op.f('ix_feedback_links_network_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_links_feedback_id'))

    op.drop_table('feedback_links')
    with op.batch_alter_table('activity_attachments', schema=None) as batch_op:
        batch_op.drop_index('uq_activity_attachments_network_id_id')
        batch_op.drop_index(batch_op.f('ix_activity_attachments_network_id'))
        batch_op.drop_index(batch_op.f('ix_activity_attachments_activity_id'))

    op.drop_table('activity_attachments')
    with op.batch_alter_table('profile_counts', schema=None) as batch_op:
        batch_op.drop_index('uq_profile_counts_network_id_id')
        batch_op.drop_index(batch_op.f('ix_profile_counts_panel_id'))
        batch_op.drop_index(batch_op.f('ix_profile_counts_network_id'))

    op.drop_table('profile_counts')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_index('uq_panel_members_network_id_id')
        batch_op.drop_index(batch_op.f('ix_panel_members_partner_id'))
        batch_op.drop_index(batch_op.f('ix_panel_members_panel_id'))
        batch_op.drop_index(batch_op.f('ix_panel_members_network_id'))

    op.drop_table('panel_members')
    with op.batch_alter_table('feedback_items', schema=None) as batch_op:
        batch_op.drop_index('uq_feedback_items_network_id_id')
        batch_op.drop_index(batch_op.f('ix_feedback_items_workstream_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_items_status'))
        batch_op.drop_index(batch_op.f('ix_feedback_items_received_at'))
        batch_op.drop_index(batch_op.f('ix_feedback_items_owner_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_items_network_id'))

    op.drop_table('feedback_items')
    with op.batch_alter_table('engagement_activities', schema=None) as batch_op:
        batch_op.drop_index('uq_engagement_activities_network_id_id')
        batch_op.drop_index(batch_op.f('ix_engagement_activities_workstream_id'))
        batch_op.drop_index(batch_op.f('ix_engagement_activities_network_id'))
        batch_op.drop_index(batch_op.f('ix_engagement_activities_held_on'))

    op.drop_table('engagement_activities')
    with op.batch_alter_table('patient_panels', schema=None) as batch_op:
        batch_op.drop_index('uq_patient_panels_network_id_id')
        batch_op.drop_index(batch_op.f('ix_patient_panels_partner_id'))
        batch_op.drop_index(batch_op.f('ix_patient_panels_network_id'))

    op.drop_table('patient_panels')
    with op.batch_alter_table('public_feedback_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_feedback_uses_used_at'))
        batch_op.drop_index(batch_op.f('ix_public_feedback_uses_address_hash'))

    op.drop_table('public_feedback_uses')
    with op.batch_alter_table('engagement_settings', schema=None) as batch_op:
        batch_op.drop_index('uq_engagement_settings_network_id_id')
        batch_op.drop_index(batch_op.f('ix_engagement_settings_network_id'))

    op.drop_table('engagement_settings')
