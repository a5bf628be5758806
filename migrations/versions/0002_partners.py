"""Partners: main contacts, membership status history and registered list sizes.

Revision ID: 0002_partners
Revises: 0001_foundation
Create Date: 2026-11-22 12:00:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0002_partners'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partner_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_partner_contacts_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_contacts_partner_id_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_contacts'))
    )
    with op.batch_alter_table('partner_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_contacts_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_contacts_partner_id'), ['partner_id'], unique=False)

    op.create_table('partner_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('decision_reference', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_partner_status_changes_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_status_changes_partner_id_partners')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_partner_status_changes_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_status_changes'))
    )
    with op.batch_alter_table('partner_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_status_changes_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_status_changes_partner_id'), ['partner_id'], unique=False)

    op.create_table('list_sizes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('patients', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('patients >= 0', name=op.f('ck_list_sizes_patients_not_negative')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_list_sizes_network_id_networks'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_list_sizes_partner_id_partners')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_list_sizes_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_sizes'))
    )
    with op.batch_alter_table('list_sizes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_sizes_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_list_sizes_partner_id'), ['partner_id'], unique=False)

    make_append_only('partner_status_changes')
    make_append_only('list_sizes')


def downgrade():
    drop_append_only('list_sizes')
    drop_append_only('partner_status_changes')
    with op.batch_alter_table('list_sizes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_sizes_partner_id'))
        batch_op.drop_index(batch_op.f('ix_list_sizes_network_id'))

    op.drop_table('list_sizes')
    with op.batch_alter_table('partner_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_status_changes_partner_id'))
        batch_op.drop_index(batch_op.f('ix_partner_status_changes_network_id'))

    op.drop_table('partner_status_changes')
    with op.batch_alter_table('partner_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_contacts_partner_id'))
        batch_op.drop_index(batch_op.f('ix_partner_contacts_network_id'))

    op.drop_table('partner_contacts')
