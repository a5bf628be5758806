"""MOUs hardened: one answer per party per version, links that stay inside a network, versions in force.

- `mou_answers` holds the one answer (signature, wet ink or decline) each party gives each
  version; signatures and declines point at it with their own kind, so the database refuses a
  second answer, or a signature and a decline, for the same party and version.
- Every link between MOU records carries the network (`(network_id, x_id)` to `(network_id, id)`),
  `mou_parties` included, so the database refuses a link across networks.
- `mous.in_force_number`: the executed version stays in force until a later one is executed.
- Variations are numbered; comments have a deadline and replies; reminders are kept, one a day
  per party.

SQLite cannot add a foreign key to a table without rebuilding it: foreign keys are switched off
for the rebuilds (a rebuild drops and renames tables), checked once at the end, and the
append-only triggers, which go with a rebuilt table, are made again.

Revision ID: 0009_mous_hardening
Revises: 0008_partners_hardening
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0009_mous_hardening'
down_revision = '0008_partners_hardening'
branch_labels = None
depends_on = None

APPEND_ONLY = ('mou_versions', 'mou_version_parties', 'mou_signatures', 'mou_declines')
NEW_APPEND_ONLY = ('mou_answers', 'mou_reminders')

# table -> [(column, target table, ondelete)]: the links that now carry the network, and what they were
LINKS = {
    'mous': [('varies_id', 'mous', None)],
    'mou_clauses': [('mou_id', 'mous', 'CASCADE')],
    'mou_versions': [('mou_id', 'mous', None)],
    'mou_version_parties': [('version_id', 'mou_versions', None), ('partner_id', 'partners', None)],
    'mou_signatures': [('version_id', 'mou_versions', None), ('partner_id', 'partners', None)],
    'mou_declines': [('version_id', 'mou_versions', None), ('partner_id', 'partners', None)],
    'mou_comment_invitations': [('mou_id', 'mous', None)],
    'mou_comments': [('mou_id', 'mous', None), ('clause_id', 'mou_clauses', None)],
    'mou_parties': [('mou_id', 'mous', 'CASCADE'), ('partner_id', 'partners', None)],
}
OLD_ONDELETE = {('mou_comments', 'clause_id'): 'SET NULL'}


def _sqlite():
    return op.get_bind().dialect.name == 'sqlite'


def _foreign_keys(on):
    """Switch SQLite's foreign keys on or off (only possible outside a transaction)."""
    if _sqlite():
        with op.get_context().autocommit_block():
            op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys():
    if _sqlite():
        problems = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if problems:
            raise RuntimeError(f'MOU records link across networks or to missing records: {problems[:10]}')


def _network_link(batch_op, table, column, target, ondelete):
    batch_op.create_foreign_key(op.f(f'fk_{table}_network_id_{column}_{target}'), target,
                                ['network_id', column], ['network_id', 'id'], ondelete=ondelete)


def _refuse_double_answers():
    double = op.get_bind().execute(sa.text(
        'SELECT s.version_id, s.partner_id FROM mou_signatures s JOIN mou_declines d '
        'ON d.version_id = s.version_id AND d.partner_id = s.partner_id')).fetchall()
    if double:
        raise RuntimeError('These parties both signed and declined the same MOU version (version id, partner id): '
                           f'{double}. Decide which answer stands before upgrading.')


def _answers_table():
    op.create_table('mou_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('signature', 'decline')", name=op.f('ck_mou_answers_kind_is_known')),
    sa.ForeignKeyConstraint(['network_id', 'partner_id'], ['partners.network_id', 'partners.id'],
                            name=op.f('fk_mou_answers_network_id_partner_id_partners')),
    sa.ForeignKeyConstraint(['network_id', 'version_id'], ['mou_versions.network_id', 'mou_versions.id'],
                            name=op.f('fk_mou_answers_network_id_version_id_mou_versions')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_mou_answers_network_id_networks'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_answers')),
    sa.UniqueConstraint('network_id', 'version_id', 'partner_id', 'kind',
                        name=op.f('uq_mou_answers_network_id_version_id_partner_id_kind')),
    sa.UniqueConstraint('version_id', 'partner_id', name=op.f('uq_mou_answers_version_id_partner_id'))
    )
    with op.batch_alter_table('mou_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_answers_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_answers_partner_id'), ['partner_id'], unique=False)
    op.create_index('uq_mou_answers_network_id_id', 'mou_answers', ['network_id', 'id'], unique=True)
    for table, kind, at in (('mou_signatures', 'signature', 'signed_at'), ('mou_declines', 'decline', 'declined_at')):
        op.execute(f"INSERT INTO mou_answers (network_id, version_id, partner_id, kind, answered_at) "
                   f"SELECT network_id, version_id, partner_id, '{kind}', {at} FROM {table} ORDER BY id")


def _reminders_table():
    op.create_table('mou_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('reminded_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('emails', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id', 'partner_id'], ['partners.network_id', 'partners.id'],
                            name=op.f('fk_mou_reminders_network_id_partner_id_partners')),
    sa.ForeignKeyConstraint(['network_id', 'version_id'], ['mou_versions.network_id', 'mou_versions.id'],
                            name=op.f('fk_mou_reminders_network_id_version_id_mou_versions')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_mou_reminders_network_id_networks'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_mou_reminders_sent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_reminders')),
    sa.UniqueConstraint('version_id', 'partner_id', 'reminded_on',
                        name=op.f('uq_mou_reminders_version_id_partner_id_reminded_on'))
    )
    with op.batch_alter_table('mou_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_reminders_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_reminders_partner_id'), ['partner_id'], unique=False)
    op.create_index('uq_mou_reminders_network_id_id', 'mou_reminders', ['network_id', 'id'], unique=True)


def _new_columns():
    """New columns, filled for the rows there are, before the rebuilds make them NOT NULL."""
    with op.batch_alter_table('mous', schema=None) as batch_op:
        batch_op.add_column(sa.Column('variation_number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('in_force_number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('comments_due_on', sa.Date(), nullable=True))
    op.add_column('mou_parties', sa.Column('network_id', sa.Integer(), nullable=True))
    op.execute('UPDATE mou_parties SET network_id = (SELECT network_id FROM mous WHERE mous.id = mou_parties.mou_id)')
    op.add_column('mou_comments', sa.Column('reply_to_id', sa.Integer(), nullable=True))
    for table, kind in (('mou_signatures', 'signature'), ('mou_declines', 'decline')):
        op.add_column(table, sa.Column('answer_kind', sa.String(length=10), nullable=True))
        op.execute(f"UPDATE {table} SET answer_kind = '{kind}'")
    op.add_column('mou_signatures', sa.Column('account_name', sa.String(length=200), nullable=True))
    op.add_column('mou_signatures', sa.Column('account_email', sa.String(length=254), nullable=True))
    op.execute("UPDATE mou_signatures SET account_name = '', account_email = ''")  # records made before: unknown


def _number_variations_and_find_versions_in_force():
    op.execute('UPDATE mous SET variation_number = (SELECT COUNT(*) FROM mous AS earlier '
               'WHERE earlier.varies_id = mous.varies_id AND earlier.id <= mous.id) WHERE varies_id IS NOT NULL')
    # The latest version every party signed is the one in force.
    op.execute('UPDATE mous SET in_force_number = (SELECT MAX(v.number) FROM mou_versions v '
               'WHERE v.mou_id = mous.id AND EXISTS (SELECT 1 FROM mou_version_parties p WHERE p.version_id = v.id) '
               'AND NOT EXISTS (SELECT 1 FROM mou_version_parties p WHERE p.version_id = v.id AND NOT EXISTS '
               '(SELECT 1 FROM mou_signatures s WHERE s.version_id = v.id AND s.partner_id = p.partner_id)))')
    # Signed by every party but left "partly signed" by a race: executed.
    op.execute("UPDATE mous SET status = 'executed' WHERE in_force_number = issued_count "
               "AND status IN ('out_for_signature', 'partly_signed')")


def _relink(table):
    """Drop the table's single-column links and make them links within a network."""
    with op.batch_alter_table(table, schema=None, recreate='auto') as batch_op:
        for column, target, ondelete in LINKS[table]:
            batch_op.drop_constraint(op.f(f'fk_{table}_{column}_{target}'), type_='foreignkey')
            _network_link(batch_op, table, column, target, ondelete)
        if table == 'mous':
            batch_op.create_unique_constraint(op.f('uq_mous_varies_id_variation_number'),
                                              ['varies_id', 'variation_number'])
        if table == 'mou_parties':
            batch_op.alter_column('network_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f('ix_mou_parties_network_id'), ['network_id'], unique=False)
        if table == 'mou_comments':
            _network_link(batch_op, table, 'reply_to_id', 'mou_comments', None)
            batch_op.create_index(batch_op.f('ix_mou_comments_reply_to_id'), ['reply_to_id'], unique=False)
        if table in ('mou_signatures', 'mou_declines'):
            kind = 'signature' if table == 'mou_signatures' else 'decline'
            batch_op.alter_column('answer_kind', existing_type=sa.String(length=10), nullable=False)
            batch_op.create_check_constraint(op.f(f'ck_{table}_answer_is_a_{kind}'), f"answer_kind = '{kind}'")
            batch_op.create_foreign_key(f'fk_{table}_answer', 'mou_answers',
                                        ['network_id', 'version_id', 'partner_id', 'answer_kind'],
                                        ['network_id', 'version_id', 'partner_id', 'kind'])
        if table == 'mou_signatures':
            batch_op.alter_column('account_name', existing_type=sa.String(length=200), nullable=False)
            batch_op.alter_column('account_email', existing_type=sa.String(length=254), nullable=False)


def upgrade():
    _refuse_double_answers()
    _foreign_keys(False)
    for table in APPEND_ONLY:
        drop_append_only(table)
    _answers_table()
    _reminders_table()
    _new_columns()
    _number_variations_and_find_versions_in_force()
    for table in LINKS:
        _relink(table)
    for table in (*APPEND_ONLY, *NEW_APPEND_ONLY):
        make_append_only(table)
    _check_foreign_keys()
    _foreign_keys(True)


def _unlink(table):
    with op.batch_alter_table(table, schema=None, recreate='auto') as batch_op:
        if table in ('mou_signatures', 'mou_declines'):
            kind = 'signature' if table == 'mou_signatures' else 'decline'
            batch_op.drop_constraint(f'fk_{table}_answer', type_='foreignkey')
            batch_op.drop_constraint(op.f(f'ck_{table}_answer_is_a_{kind}'), type_='check')
            batch_op.drop_column('answer_kind')
        if table == 'mou_signatures':
            batch_op.drop_column('account_email')
            batch_op.drop_column('account_name')
        if table == 'mou_comments':
            batch_op.drop_index(batch_op.f('ix_mou_comments_reply_to_id'))
            batch_op.drop_constraint(op.f('fk_mou_comments_network_id_reply_to_id_mou_comments'), type_='foreignkey')
            batch_op.drop_column('reply_to_id')
        if table == 'mou_parties':
            batch_op.drop_index(batch_op.f('ix_mou_parties_network_id'))
        if table == 'mous':
            batch_op.drop_constraint(op.f('uq_mous_varies_id_variation_number'), type_='unique')
        for column, target, ondelete in LINKS[table]:
            batch_op.drop_constraint(op.f(f'fk_{table}_network_id_{column}_{target}'), type_='foreignkey')
            batch_op.create_foreign_key(op.f(f'fk_{table}_{column}_{target}'), target, [column], ['id'],
                                        ondelete=OLD_ONDELETE.get((table, column), ondelete))
        if table == 'mou_parties':
            batch_op.drop_column('network_id')
        if table == 'mous':
            batch_op.drop_column('comments_due_on')
            batch_op.drop_column('in_force_number')
            batch_op.drop_column('variation_number')


def downgrade():
    _foreign_keys(False)
    for table in (*APPEND_ONLY, *NEW_APPEND_ONLY):
        drop_append_only(table)
    for table in reversed(list(LINKS)):
        _unlink(table)
    op.drop_table('mou_reminders')
    op.drop_table('mou_answers')
    for table in APPEND_ONLY:
        make_append_only(table)
    _check_foreign_keys()
    _foreign_keys(True)
