"""Every network-scoped table is unique on (network_id, id), so links can carry the network too.

A link from one record to another (network_id, x_id) -> (network_id, id) makes the database
refuse a link to a record of another network. A unique index, not a constraint: SQLite cannot
add a constraint without rebuilding the table (which would drop the append-only triggers), and
both databases accept a unique index as the parent key of a foreign key.

Revision ID: 0005_network_keys
Revises: 0004_outbox
Create Date: 2026-11-29 22:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005_network_keys'
down_revision = '0004_outbox'
branch_labels = None
depends_on = None

TABLES = ('memberships', 'invitations', 'partners', 'partner_contacts', 'partner_status_changes', 'list_sizes',
          'mous', 'mou_clauses', 'mou_versions', 'mou_version_parties', 'mou_signatures', 'mou_declines',
          'mou_comment_invitations', 'mou_comments', 'issued_documents')


def upgrade():
    for table in TABLES:
        op.create_index(f'uq_{table}_network_id_id', table, ['network_id', 'id'], unique=True)


def downgrade():
    for table in TABLES:
        op.drop_index(f'uq_{table}_network_id_id', table_name=table)
