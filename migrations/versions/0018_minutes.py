"""Minutes of board meetings: the secretary's draft, and the approved text (append-only).

Revision ID: 0018_minutes
Revises: 0016_engagement
Create Date: 2026-11-30 02:15:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0018_minutes'
down_revision = '0016_engagement'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opening', sa.Text(), nullable=False),
    sa.Column('summaries', sa.JSON(), nullable=False),
    sa.Column('circulated_at', sa.DateTime(), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_minutes_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'board_id'], ['boards.network_id', 'boards.id'], name=op.f('fk_minutes_network_id_board_id_boards')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_minutes_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_minutes_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_minutes_meeting_id'))
    )
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_minutes_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_minutes_network_id_id', ['network_id', 'id'], unique=True)

    op.create_table('approved_minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_approved_minutes_approved_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'decision_id'], ['decisions.network_id', 'decisions.id'], name=op.f('fk_approved_minutes_network_id_decision_id_decisions')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_approved_minutes_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id', 'minutes_id'], ['minutes.network_id', 'minutes.id'], name=op.f('fk_approved_minutes_network_id_minutes_id_minutes')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_approved_minutes_network_id_networks'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approved_minutes')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_approved_minutes_meeting_id'))
    )
    with op.batch_alter_table('approved_minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approved_minutes_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approved_minutes_minutes_id'), ['minutes_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approved_minutes_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_approved_minutes_network_id_id', ['network_id', 'id'], unique=True)
    make_append_only('approved_minutes')


def downgrade():
    drop_append_only('approved_minutes')
    with op.batch_alter_table('approved_minutes', schema=None) as batch_op:
        batch_op.drop_index('uq_approved_minutes_network_id_id')
        batch_op.drop_index(batch_op.f('ix_approved_minutes_network_id'))
        batch_op.drop_index(batch_op.f('ix_approved_minutes_minutes_id'))
        batch_op.drop_index(batch_op.f('ix_approved_minutes_decision_id'))

    op.drop_table('approved_minutes')
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_index('uq_minutes_network_id_id')
        batch_op.drop_index(batch_op.f('ix_minutes_network_id'))
        batch_op.drop_index(batch_op.f('ix_minutes_board_id'))

    op.drop_table('minutes')
