"""Corrections: to approved minutes (a new append-only table), and to gifts and declarations at meetings.

A correction never rewrites what it corrects. Approved minutes get `minutes_corrections`, each
approved by a decision of a later meeting. A gift or a declaration at a meeting is corrected by a new
row that `corrects_id` the old one (at most one correction each, a unique constraint), with the
reason; the declarations at a meeting stay unique per member, item and interest among the originals.

Revision ID: 0022_corrections
Revises: 0021_accountability_decisions
Create Date: 2026-11-30 04:00:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0022_corrections'
down_revision = '0021_accountability_decisions'
branch_labels = None
depends_on = None

ORIGINAL = 'corrects_id IS NULL'
OLD_UNIQUE = 'uq_meeting_declarations_agenda_item_id_board_member_id_declaration_id'


def _add_correction_columns(table: str) -> None:
    drop_append_only(table)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('correction_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_corrects_id'), ['corrects_id'])
        batch_op.create_foreign_key(batch_op.f(f'fk_{table}_network_id_corrects_id_{table}'), table,
                                    ['network_id', 'corrects_id'], ['network_id', 'id'])
        batch_op.create_check_constraint(batch_op.f(f'ck_{table}_correction_has_reason'),
                                         "corrects_id IS NULL OR correction_reason <> ''")
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column('correction_reason', server_default=None)


def _drop_correction_columns(table: str) -> None:
    drop_append_only(table)
    # Corrections cannot survive going down: the columns that hold them go.
    op.execute(f'DELETE FROM {table} WHERE corrects_id IS NOT NULL')
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f'ck_{table}_correction_has_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f(f'fk_{table}_network_id_corrects_id_{table}'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f(f'uq_{table}_corrects_id'), type_='unique')
        batch_op.drop_column('correction_reason')
        batch_op.drop_column('corrects_id')


def upgrade():
    _add_correction_columns('gift_declarations')
    make_append_only('gift_declarations')
    _add_correction_columns('meeting_declarations')
    with op.batch_alter_table('meeting_declarations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(OLD_UNIQUE), type_='unique')
        batch_op.create_index('uq_meeting_declarations_declared_once',
                              ['agenda_item_id', 'board_member_id', 'declaration_id'], unique=True,
                              sqlite_where=sa.text(ORIGINAL), postgresql_where=sa.text(ORIGINAL))
    make_append_only('meeting_declarations')

    op.create_table('minutes_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('approved_minutes_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('section_title', sa.String(length=400), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('passage', sa.Text(), nullable=False),
    sa.Column('corrected_wording', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("passage <> '' AND corrected_wording <> '' AND reason <> ''", name=op.f('ck_minutes_corrections_correction_stated')),
    sa.ForeignKeyConstraint(['network_id', 'approved_minutes_id'], ['approved_minutes.network_id', 'approved_minutes.id'], name=op.f('fk_minutes_corrections_network_id_approved_minutes_id_approved_minutes')),
    sa.ForeignKeyConstraint(['network_id', 'decision_id'], ['decisions.network_id', 'decisions.id'], name=op.f('fk_minutes_corrections_network_id_decision_id_decisions')),
    sa.ForeignKeyConstraint(['network_id', 'meeting_id'], ['meetings.network_id', 'meetings.id'], name=op.f('fk_minutes_corrections_network_id_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_minutes_corrections_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_minutes_corrections_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_corrections'))
    )
    with op.batch_alter_table('minutes_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_corrections_approved_minutes_id'), ['approved_minutes_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_minutes_corrections_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_minutes_corrections_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_minutes_corrections_network_id'), ['network_id'], unique=False)
        batch_op.create_index('uq_minutes_corrections_network_id_id', ['network_id', 'id'], unique=True)
    make_append_only('minutes_corrections')


def downgrade():
    drop_append_only('minutes_corrections')
    with op.batch_alter_table('minutes_corrections', schema=None) as batch_op:
        batch_op.drop_index('uq_minutes_corrections_network_id_id')
        batch_op.drop_index(batch_op.f('ix_minutes_corrections_network_id'))
        batch_op.drop_index(batch_op.f('ix_minutes_corrections_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_minutes_corrections_decision_id'))
        batch_op.drop_index(batch_op.f('ix_minutes_corrections_approved_minutes_id'))
    op.drop_table('minutes_corrections')

    drop_append_only('meeting_declarations')
    op.execute('DELETE FROM meeting_declarations WHERE corrects_id IS NOT NULL')
    with op.batch_alter_table('meeting_declarations', schema=None) as batch_op:
        batch_op.drop_index('uq_meeting_declarations_declared_once')
        batch_op.create_unique_constraint(op.f(OLD_UNIQUE), ['agenda_item_id', 'board_member_id', 'declaration_id'])
    _drop_correction_columns('meeting_declarations')
    make_append_only('meeting_declarations')
    _drop_correction_columns('gift_declarations')
    make_append_only('gift_declarations')
