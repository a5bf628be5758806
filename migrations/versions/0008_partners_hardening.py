"""Partners hardening: one name per network in the database, links that stay inside a network,
one list size and one status per partner and date unless deliberately corrected.

- partners.name_key: the name as compared (NFKC, no format characters, case folded, single
  spaces), unique per network. Existing partners get theirs here; should two partners of one
  network already share a name, the later one's key carries its id, so nothing is lost and
  saving it asks for a different name.
- partner_contacts, partner_status_changes and list_sizes link to their partner through
  (network_id, partner_id); a child whose network differed from its partner's is moved to its
  partner's network first (the partner owns it).
- partner_status_changes.revision and list_sizes.revision: a correction for a date is the next
  revision; (network_id, partner_id, date, revision) is unique. Existing rows are numbered in
  the order they were recorded, which is the order "the latest entry counts" already used.
  (network_id, date) indexes serve "what changed on these dates" in the population history.

SQLite cannot rebuild the partners table while other tables link to it, so its new column is
added in place (NOT NULL needs a default there) and its uniqueness is a unique index.

Revision ID: 0008_partners_hardening
Revises: 0007_form_submissions
Create Date: 2026-11-30 10:00:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0008_partners_hardening'
down_revision = '0007_form_submissions'
branch_labels = None
depends_on = None

NAME_KEY_LENGTH = 400
DATED = (('partner_status_changes', 'effective_on'), ('list_sizes', 'as_of'))
CHILDREN = ('partner_contacts', 'partner_status_changes', 'list_sizes')
APPEND_ONLY = ('partner_status_changes', 'list_sizes')


def _name_key(name):
    """As governance.partners.models.name_key on the day this migration was written."""
    text = unicodedata.normalize('NFKC', name or '')
    text = ''.join(c for c in text if unicodedata.category(c) != 'Cf')
    text = unicodedata.normalize('NFKC', text.casefold())
    return ' '.join(text.split())[:NAME_KEY_LENGTH]


def _fill_name_keys(connection):
    partners = sa.table('partners', sa.column('id', sa.Integer), sa.column('network_id', sa.Integer),
                        sa.column('name', sa.String), sa.column('name_key', sa.String))
    taken, rows = set(), []
    for id_, network_id, name in connection.execute(
            sa.select(partners.c.id, partners.c.network_id, partners.c.name).order_by(partners.c.id)):
        key = _name_key(name)
        if (network_id, key) in taken:
            suffix = f' #{id_}'
            key = key[:NAME_KEY_LENGTH - len(suffix)] + suffix
        taken.add((network_id, key))
        rows.append({'row_id': id_, 'key': key})
    if rows:
        connection.execute(partners.update().where(partners.c.id == sa.bindparam('row_id'))
                           .values(name_key=sa.bindparam('key')), rows)


def upgrade():
    op.add_column('partners', sa.Column('name_key', sa.String(length=NAME_KEY_LENGTH), server_default=sa.text("''"),
                                        nullable=False))
    _fill_name_keys(op.get_bind())
    op.create_index('uq_partners_network_id_name_key', 'partners', ['network_id', 'name_key'], unique=True)

    for table in APPEND_ONLY:
        drop_append_only(table)
    for table in CHILDREN:
        op.execute(f'UPDATE {table} SET network_id = (SELECT partners.network_id FROM partners '
                   f'WHERE partners.id = {table}.partner_id) WHERE network_id <> (SELECT partners.network_id '
                   f'FROM partners WHERE partners.id = {table}.partner_id)')
    for table, day in DATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=True))
        op.execute(f'UPDATE {table} SET revision = (SELECT COUNT(*) FROM {table} AS earlier '
                   f'WHERE earlier.partner_id = {table}.partner_id AND earlier.{day} = {table}.{day} '
                   f'AND earlier.id <= {table}.id)')

    for table in CHILDREN:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_partner_id_partners', type_='foreignkey')
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_network_id_partner_id_partners'), 'partners',
                                        ['network_id', 'partner_id'], ['network_id', 'id'])
            if table in APPEND_ONLY:
                day = dict(DATED)[table]
                batch_op.drop_index(f'ix_{table}_partner_id')
                batch_op.alter_column('revision', existing_type=sa.Integer(), nullable=False)
                batch_op.create_unique_constraint(
                    batch_op.f(f'uq_{table}_network_id_partner_id_{day}_revision'),
                    ['network_id', 'partner_id', day, 'revision'])
                batch_op.create_check_constraint(batch_op.f(f'ck_{table}_revision_from_one'), 'revision >= 1')
                batch_op.create_index(f'ix_{table}_network_id_{day}', ['network_id', day], unique=False)
    for table in APPEND_ONLY:
        make_append_only(table)


def downgrade():
    for table in APPEND_ONLY:
        drop_append_only(table)
    for table in CHILDREN:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in APPEND_ONLY:
                day = dict(DATED)[table]
                batch_op.drop_index(f'ix_{table}_network_id_{day}')
                batch_op.drop_constraint(batch_op.f(f'ck_{table}_revision_from_one'), type_='check')
                batch_op.drop_constraint(batch_op.f(f'uq_{table}_network_id_partner_id_{day}_revision'),
                                         type_='unique')
                batch_op.drop_column('revision')
                batch_op.create_index(f'ix_{table}_partner_id', ['partner_id'], unique=False)
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_network_id_partner_id_partners'), type_='foreignkey')
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_partner_id_partners'), 'partners',
                                        ['partner_id'], ['id'])
    for table in APPEND_ONLY:
        make_append_only(table)

    op.drop_index('uq_partners_network_id_name_key', table_name='partners')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE partners DROP COLUMN name_key')  # in place: other tables link to partners
    else:
        op.drop_column('partners', 'name_key')
