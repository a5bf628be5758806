"""Decisions, written resolutions and their votes, and actions arising with their progress updates.

Decisions, the locks put on a meeting's decisions when its minutes are approved, votes on written
resolutions and action progress updates are append-only (triggers). Decision references are unique
per network and year, numbered from a counter row per network and year.

Revision ID: 0015_decisions
Revises: 0014_declarations
Create Date: 2026-11-30 01:00:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only

APPEND_ONLY = ('decisions', 'meeting_decision_locks', 'resolution_votes', 'action_updates')


# revision identifiers, used by Alembic.
revision = '0015_decisions'
down_revision = '0014_declarations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decision_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_decision_counters_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_counters')),
    sa.UniqueConstraint('network_id', 'year', name=op.f('uq_decision_counters_network_id_year'))
    )
    with op.batch_alter_table('decision_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_counters_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_decision_counters_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('meeting_decision_locks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('locked_at', sa.DateTime(), nullable=False),
    sa.Column('locked_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['locked_by_id'], ['users.id'], name=op.f('fk_meeting_decision_locks_locked_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_meeting_decision_locks_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_meeting_decision_locks_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_decision_locks')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_meeting_decision_locks_meeting_id'))
    )
    with op.batch_alter_table('meeting_decision_locks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_decision_locks_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_meeting_decision_locks_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('route', sa.String(length=20), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('options_considered', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=False),
    sa.Column('votes_against', sa.Integer(), nullable=False),
    sa.Column('abstentions', sa.Integer(), nullable=False),
    sa.Column('named_votes', sa.JSON(), nullable=False),
    sa.Column('casting_vote', sa.String(length=10), nullable=True),
    sa.Column('excluded', sa.JSON(), nullable=False),
    sa.Column('quorum_words', sa.Text(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('related_id', sa.Integer(), nullable=True),
    sa.Column('relation', sa.String(length=20), nullable=True),
    sa.Column('affects', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("route <> 'meeting' OR agenda_item_id IS NOT NULL", name=op.f('ck_decisions_meeting_decision_has_item')),
    sa.CheckConstraint('(related_id IS NULL) = (relation IS NULL)', name=op.f('ck_decisions_relation_whole')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_decisions_number_positive')),
    sa.CheckConstraint('review_on IS NULL OR effective_on IS NULL OR review_on >= effective_on', name=op.f('ck_decisions_review_after_effective')),
    sa.CheckConstraint('votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0', name=op.f('ck_decisions_votes_not_negative')),
    sa.ForeignKeyConstraint(['network_id', 'agenda_item_id'], ['agenda_items.network_id', 'agenda_items.id'], name=op.f('fk_decisions_network_id_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['network_id', 'board_id'], ['boards.network_id', 'boards.id'], name=op.f('fk_decisions_network_id_board_id_boards')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_decisions_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_decisions_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_decisions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('network_id', 'reference', name=op.f('uq_decisions_network_id_reference')),
    sa.UniqueConstraint('network_id', 'year', 'number', name=op.f('uq_decisions_network_id_year_number'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_decided_on'), ['decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_related_id'), ['related_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_route'), ['route'], unique=False)
        batch_op.create_index('uq_decisions_network_id_id', ['network_id', 'id'], unique=True)
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_decisions_network_id_related_id_decisions'), 'decisions',
                                    ['network_id', 'related_id'], ['network_id', 'id'])

    op.create_table('board_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(status IN ('done', 'dropped')) = (completed_on IS NOT NULL)", name=op.f('ck_board_actions_completed_when_closed')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_board_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'agenda_item_id'], ['agenda_items.network_id', 'agenda_items.id'], name=op.f('fk_board_actions_network_id_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['network_id', 'board_id'], ['boards.network_id', 'boards.id'], name=op.f('fk_board_actions_network_id_board_id_boards')),
    sa.ForeignKeyConstraint(['network_id', 'decision_id'], ['decisions.network_id', 'decisions.id'], name=op.f('fk_board_actions_network_id_decision_id_decisions')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_board_actions_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id', 'owner_id'], ['memberships.network_id', 'memberships.id'], name=op.f('fk_board_actions_network_id_owner_id_memberships')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_board_actions_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_actions'))
    )
    with op.batch_alter_table('board_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_actions_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_actions_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_actions_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_actions_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_actions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_actions_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_actions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_actions_status'), ['status'], unique=False)
        batch_op.create_index('uq_board_actions_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('written_resolutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('options_considered', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('affects', sa.JSON(), nullable=False),
    sa.Column('voters', sa.JSON(), nullable=False),
    sa.Column('circulated_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('circulated_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('closes_at > circulated_at', name=op.f('ck_written_resolutions_closes_after_circulated')),
    sa.ForeignKeyConstraint(['circulated_by_id'], ['users.id'], name=op.f('fk_written_resolutions_circulated_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'board_id'], ['boards.network_id', 'boards.id'], name=op.f('fk_written_resolutions_network_id_board_id_boards')),
    sa.ForeignKeyConstraint(['network_id', 'decision_id'], ['decisions.network_id', 'decisions.id'], name=op.f('fk_written_resolutions_network_id_decision_id_decisions')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_written_resolutions_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_written_resolutions'))
    )
    with op.batch_alter_table('written_resolutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_written_resolutions_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_written_resolutions_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_written_resolutions_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_written_resolutions_status'), ['status'], unique=False)
        batch_op.create_index('uq_written_resolutions_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('action_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'action_id'], ['board_actions.network_id', 'board_actions.id'], name=op.f('fk_action_updates_network_id_action_id_board_actions')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_action_updates_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_action_updates_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_updates'))
    )
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_updates_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_updates_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_action_updates_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('resolution_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('vote', sa.String(length=10), nullable=False),
    sa.Column('cast_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'membership_id'], ['memberships.network_id', 'memberships.id'], name=op.f('fk_resolution_votes_network_id_membership_id_memberships')),
    sa.ForeignKeyConstraint(['network_id', 'resolution_id'], ['written_resolutions.network_id', 'written_resolutions.id'], name=op.f('fk_resolution_votes_network_id_resolution_id_written_resolutions')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_resolution_votes_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_votes')),
    sa.UniqueConstraint('resolution_id', 'seat_id', name=op.f('uq_resolution_votes_resolution_id_seat_id'))
    )
    with op.batch_alter_table('resolution_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_votes_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resolution_votes_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resolution_votes_resolution_id'), ['resolution_id'], unique=False)
        batch_op.create_index('uq_resolution_votes_network_id_id', ['network_id', 'id'], unique=True)
    for table in APPEND_ONLY:
        make_append_only(table)


def downgrade():
    for table in APPEND_ONLY:
        drop_append_only(table)
    with op.batch_alter_table('resolution_votes', schema=None) as batch_op:
        batch_op.drop_index('uq_resolution_votes_network_id_id')
        batch_op.drop_index(batch_op.f('ix_resolution_votes_resolution_id'))
        batch_op.drop_index(batch_op.f('ix_resolution_votes_network_id'))
        batch_op.drop_index(batch_op.f('ix_resolution_votes_membership_id'))

    op.drop_table('resolution_votes')
    with op.batch_alter_table('action_updates', schema=None) as batch_op:
        batch_op.drop_index('uq_action_updates_network_id_id')
        batch_op.drop_index(batch_op.f('ix_action_updates_network_id'))
        batch_op.drop_index(batch_op.f('ix_action_updates_action_id'))

    op.drop_table('action_updates')
    with op.batch_alter_table('written_resolutions', schema=None) as batch_op:
        batch_op.drop_index('uq_written_resolutions_network_id_id')
        batch_op.drop_index(batch_op.f('ix_written_resolutions_status'))
        batch_op.drop_index(batch_op.f('ix_written_resolutions_network_id'))
        batch_op.drop_index(batch_op.f('ix_written_resolutions_closes_at'))
        batch_op.drop_index(batch_op.f('ix_written_resolutions_board_id'))

    op.drop_table('written_resolutions')
    with op.batch_alter_table('board_actions', schema=None) as batch_op:
        batch_op.drop_index('uq_board_actions_network_id_id')
        batch_op.drop_index(batch_op.f('ix_board_actions_status'))
        batch_op.drop_index(batch_op.f('ix_board_actions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_board_actions_network_id'))
        batch_op.drop_index(batch_op.f('ix_board_actions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_board_actions_due_on'))
        batch_op.drop_index(batch_op.f('ix_board_actions_decision_id'))
        batch_op.drop_index(batch_op.f('ix_board_actions_board_id'))
        batch_op.drop_index(batch_op.f('ix_board_actions_agenda_item_id'))

    op.drop_table('board_actions')
    # its indexes and its link to itself go with it
    op.drop_table('decisions')
    with op.batch_alter_table('meeting_decision_locks', schema=None) as batch_op:
        batch_op.drop_index('uq_meeting_decision_locks_network_id_id')
        batch_op.drop_index(batch_op.f('ix_meeting_decision_locks_network_id'))

    op.drop_table('meeting_decision_locks')
    with op.batch_alter_table('decision_counters', schema=None) as batch_op:
        batch_op.drop_index('uq_decision_counters_network_id_id')
        batch_op.drop_index(batch_op.f('ix_decision_counters_network_id'))

    op.drop_table('decision_counters')
