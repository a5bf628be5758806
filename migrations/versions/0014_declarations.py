"""Declarations of interest: the register (append-only, an update replaces or ends the entry before),
nil returns and annual confirmations, gifts and hospitality, declarations made at meetings and how
the chair managed them, and whether the network publishes its register.

Revision ID: 0014_declarations
Revises: 0013_accountability
Create Date: 2026-11-30 00:40:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0014_declarations'
down_revision = '0013_accountability'
branch_labels = None
depends_on = None

APPEND_ONLY = ('interest_declarations', 'gift_declarations', 'meeting_declarations')


def upgrade():
    op.create_table('interest_register_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_interest_register_settings_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest_register_settings')),
    sa.UniqueConstraint('network_id', name=op.f('uq_interest_register_settings_network_id'))
    )
    with op.batch_alter_table('interest_register_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_register_settings_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_interest_register_settings_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('gift_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('giver', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('value_pence', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('value_pence >= 0', name=op.f('ck_gift_declarations_value_not_negative')),
    sa.ForeignKeyConstraint(['network_id', 'membership_id'], ['memberships.network_id', 'memberships.id'], name=op.f('fk_gift_declarations_network_id_membership_id_memberships')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_gift_declarations_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_gift_declarations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift_declarations'))
    )
    with op.batch_alter_table('gift_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gift_declarations_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_declarations_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_gift_declarations_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('interest_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('direct', sa.Boolean(), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=True),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('management', sa.Text(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('withheld_reason', sa.Text(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind <> 'interest' OR (category IS NOT NULL AND description <> '')", name=op.f('ck_interest_declarations_interest_described')),
    sa.CheckConstraint("withheld_reason = '' OR kind = 'interest'", name=op.f('ck_interest_declarations_only_interests_withheld')),
    sa.CheckConstraint('to_date IS NULL OR from_date IS NULL OR to_date >= from_date', name=op.f('ck_interest_declarations_ends_after_it_starts')),
    sa.ForeignKeyConstraint(['network_id', 'membership_id'], ['memberships.network_id', 'memberships.id'], name=op.f('fk_interest_declarations_network_id_membership_id_memberships')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_interest_declarations_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_interest_declarations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest_declarations')),
    sa.UniqueConstraint('replaces_id', name=op.f('uq_interest_declarations_replaces_id'))
    )
    with op.batch_alter_table('interest_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_declarations_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interest_declarations_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_interest_declarations_network_id_id', ['network_id', 'id'], unique=True)
    # A declaration replaces one of the same network: the key it points at exists only now.
    with op.batch_alter_table('interest_declarations', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_interest_declarations_network_id_replaces_id_interest_declarations'),
                                    'interest_declarations', ['network_id', 'replaces_id'], ['network_id', 'id'])

    op.create_table('meeting_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('board_member_id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('management', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'agenda_item_id'], ['agenda_items.network_id', 'agenda_items.id'], name=op.f('fk_meeting_declarations_network_id_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['network_id', 'board_member_id'], ['board_members.network_id', 'board_members.id'], name=op.f('fk_meeting_declarations_network_id_board_member_id_board_members')),
    sa.ForeignKeyConstraint(['network_id', 'declaration_id'], ['interest_declarations.network_id', 'interest_declarations.id'], name=op.f('fk_meeting_declarations_network_id_declaration_id_interest_declarations')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_meeting_declarations_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_meeting_declarations_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_meeting_declarations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_declarations')),
    sa.UniqueConstraint('agenda_item_id', 'board_member_id', 'declaration_id', name=op.f('uq_meeting_declarations_agenda_item_id_board_member_id_declaration_id'))
    )
    with op.batch_alter_table('meeting_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_declarations_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_declarations_board_member_id'), ['board_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_declarations_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_declarations_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_declarations_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_meeting_declarations_network_id_id', ['network_id', 'id'], unique=True)
    for table in APPEND_ONLY:
        make_append_only(table)


def downgrade():
    for table in APPEND_ONLY:
        drop_append_only(table)
    with op.batch_alter_table('meeting_declarations', schema=None) as batch_op:
        batch_op.drop_index('uq_meeting_declarations_network_id_id')
        batch_op.drop_index(batch_op.f('ix_meeting_declarations_network_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_declarations_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_declarations_declaration_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_declarations_board_member_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_declarations_agenda_item_id'))

    op.drop_table('meeting_declarations')
    # The table goes with its indexes: its own link to (network_id, id) depends on the unique index.
    op.drop_table('interest_declarations')
    with op.batch_alter_table('gift_declarations', schema=None) as batch_op:
        batch_op.drop_index('uq_gift_declarations_network_id_id')
        batch_op.drop_index(batch_op.f('ix_gift_declarations_network_id'))
        batch_op.drop_index(batch_op.f('ix_gift_declarations_membership_id'))

    op.drop_table('gift_declarations')
    with op.batch_alter_table('interest_register_settings', schema=None) as batch_op:
        batch_op.drop_index('uq_interest_register_settings_network_id_id')
        batch_op.drop_index(batch_op.f('ix_interest_register_settings_network_id'))

    op.drop_table('interest_register_settings')
