"""MOUs: drafts and clauses, comments, issued versions and their parties, signatures and declines.

Revision ID: 0003_mous
Revises: 0002_partners
Create Date: 2026-11-22 12:30:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0003_mous'
down_revision = '0002_partners'
branch_labels = None
depends_on = None

APPEND_ONLY = ('mou_versions', 'mou_version_parties', 'mou_signatures', 'mou_declines')


def _network_fk(table):
    return sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f(f'fk_{table}_network_id_networks'),
                                   ondelete='RESTRICT')


def upgrade():
    op.create_table('mous',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('end_date_kind', sa.String(length=10), nullable=False),
    sa.Column('varies_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('issued_count', sa.Integer(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mous_created_by_id_users')),
    _network_fk('mous'),
    sa.ForeignKeyConstraint(['varies_id'], ['mous.id'], name=op.f('fk_mous_varies_id_mous')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mous'))
    )
    with op.batch_alter_table('mous', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mous_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mous_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_mous_varies_id'), ['varies_id'], unique=False)

    op.create_table('mou_parties',
    sa.Column('mou_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mou_id'], ['mous.id'], name=op.f('fk_mou_parties_mou_id_mous'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_mou_parties_partner_id_partners')),
    sa.PrimaryKeyConstraint('mou_id', 'partner_id', name=op.f('pk_mou_parties'))
    )
    with op.batch_alter_table('mou_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_parties_partner_id'), ['partner_id'], unique=False)

    op.create_table('mou_clauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mou_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['mou_id'], ['mous.id'], name=op.f('fk_mou_clauses_mou_id_mous'), ondelete='CASCADE'),
    _network_fk('mou_clauses'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_clauses'))
    )
    with op.batch_alter_table('mou_clauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_clauses_mou_id'), ['mou_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_clauses_network_id'), ['network_id'], unique=False)

    op.create_table('mou_comment_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mou_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'],
                            name=op.f('fk_mou_comment_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['mou_id'], ['mous.id'], name=op.f('fk_mou_comment_invitations_mou_id_mous')),
    _network_fk('mou_comment_invitations'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mou_comment_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_comment_invitations')),
    sa.UniqueConstraint('mou_id', 'user_id', name=op.f('uq_mou_comment_invitations_mou_id_user_id'))
    )
    with op.batch_alter_table('mou_comment_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_comment_invitations_mou_id'), ['mou_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_comment_invitations_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_comment_invitations_user_id'), ['user_id'], unique=False)

    op.create_table('mou_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mou_id', sa.Integer(), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=True),
    sa.Column('clause_heading', sa.String(length=200), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_mou_comments_author_id_users')),
    sa.ForeignKeyConstraint(['clause_id'], ['mou_clauses.id'], name=op.f('fk_mou_comments_clause_id_mou_clauses'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mou_id'], ['mous.id'], name=op.f('fk_mou_comments_mou_id_mous')),
    _network_fk('mou_comments'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_mou_comments_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_comments'))
    )
    with op.batch_alter_table('mou_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_comments_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_comments_mou_id'), ['mou_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_comments_network_id'), ['network_id'], unique=False)

    op.create_table('mou_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mou_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('end_date_kind', sa.String(length=10), nullable=False),
    sa.Column('clauses', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_ip', sa.String(length=64), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_mou_versions_issued_by_id_users')),
    sa.ForeignKeyConstraint(['mou_id'], ['mous.id'], name=op.f('fk_mou_versions_mou_id_mous')),
    _network_fk('mou_versions'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_versions')),
    sa.UniqueConstraint('mou_id', 'number', name=op.f('uq_mou_versions_mou_id_number'))
    )
    with op.batch_alter_table('mou_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_versions_mou_id'), ['mou_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_versions_network_id'), ['network_id'], unique=False)

    op.create_table('mou_version_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('ods_code', sa.String(length=10), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    _network_fk('mou_version_parties'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_mou_version_parties_partner_id_partners')),
    sa.ForeignKeyConstraint(['version_id'], ['mou_versions.id'],
                            name=op.f('fk_mou_version_parties_version_id_mou_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_version_parties')),
    sa.UniqueConstraint('version_id', 'partner_id', name=op.f('uq_mou_version_parties_version_id_partner_id'))
    )
    with op.batch_alter_table('mou_version_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_version_parties_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_version_parties_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_version_parties_version_id'), ['version_id'], unique=False)

    op.create_table('mou_signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signatory_title', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=500), nullable=False),
    sa.Column('version_hash', sa.String(length=64), nullable=False),
    sa.Column('evidence', sa.LargeBinary(), nullable=True),
    sa.Column('evidence_filename', sa.String(length=200), nullable=False),
    sa.Column('evidence_mime', sa.String(length=60), nullable=False),
    sa.Column('evidence_size', sa.Integer(), nullable=False),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=False),
    sa.Column('record_hash', sa.String(length=64), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    _network_fk('mou_signatures'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_mou_signatures_partner_id_partners')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_mou_signatures_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mou_signatures_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['mou_versions.id'], name=op.f('fk_mou_signatures_version_id_mou_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_signatures')),
    sa.UniqueConstraint('version_id', 'partner_id', name=op.f('uq_mou_signatures_version_id_partner_id'))
    )
    with op.batch_alter_table('mou_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_signatures_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_signatures_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_signatures_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_signatures_version_id'), ['version_id'], unique=False)

    op.create_table('mou_declines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declined_at', sa.DateTime(), nullable=False),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=500), nullable=False),
    sa.Column('version_hash', sa.String(length=64), nullable=False),
    sa.Column('record_hash', sa.String(length=64), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    _network_fk('mou_declines'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_mou_declines_partner_id_partners')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mou_declines_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['mou_versions.id'], name=op.f('fk_mou_declines_version_id_mou_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou_declines')),
    sa.UniqueConstraint('version_id', 'partner_id', name=op.f('uq_mou_declines_version_id_partner_id'))
    )
    with op.batch_alter_table('mou_declines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mou_declines_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_declines_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mou_declines_version_id'), ['version_id'], unique=False)

    for table in APPEND_ONLY:
        make_append_only(table)


def downgrade():
    for table in reversed(APPEND_ONLY):
        drop_append_only(table)
    for table in ('mou_declines', 'mou_signatures', 'mou_version_parties', 'mou_versions', 'mou_comments',
                  'mou_comment_invitations', 'mou_clauses', 'mou_parties', 'mous'):
        op.drop_table(table)
