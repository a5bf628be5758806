"""Accounts hardening: server-side sessions, limits on password resets, links to partners that
stay inside one network, and the network a member last used.

- `user_sessions`: one row per signed-in device; the session cookie carries a random key whose
  hash is kept here (and the remember-me token's), so signing out ends the session on the server.
- `password_reset_requests`: "forgotten password" requests, to limit them per email address and
  per client address.
- `memberships.partner_id` and `invitations.partner_id` link to a partner of the same network:
  (network_id, partner_id) -> partners (network_id, id). A link that crossed networks (possible
  before) is cleared first.
- `memberships.last_used_at`: signing in takes a member of several networks to the last one used.

Revision ID: 0010_accounts_hardening
Revises: 0009_mous_hardening
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_accounts_hardening'
down_revision = '0009_mous_hardening'
branch_labels = None
depends_on = None

LINKED = ('memberships', 'invitations')


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('remember_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_sessions_key_hash')),
    sa.UniqueConstraint('remember_hash', name=op.f('uq_user_sessions_remember_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_expires_at'), ['expires_at'], unique=False)

    op.create_table('password_reset_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_requests'))
    )
    with op.batch_alter_table('password_reset_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_requests_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_password_reset_requests_ip_address'), ['ip_address'], unique=False)
        batch_op.create_index(batch_op.f('ix_password_reset_requests_requested_at'), ['requested_at'],
                              unique=False)

    for table in LINKED:
        op.execute(f"UPDATE {table} SET partner_id = NULL WHERE partner_id IS NOT NULL AND NOT EXISTS "
                   f"(SELECT 1 FROM partners WHERE partners.id = {table}.partner_id "
                   f"AND partners.network_id = {table}.network_id)")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_partner_id_partners', type_='foreignkey')
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_network_id_partner_id_partners'), 'partners',
                                        ['network_id', 'partner_id'], ['network_id', 'id'])
            if table == 'memberships':
                batch_op.add_column(sa.Column('last_used_at', sa.DateTime(), nullable=True))


def downgrade():
    for table in LINKED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'memberships':
                batch_op.drop_column('last_used_at')
            batch_op.drop_constraint(f'fk_{table}_network_id_partner_id_partners', type_='foreignkey')
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_partner_id_partners'), 'partners',
                                        ['partner_id'], ['id'])
    with op.batch_alter_table('password_reset_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_requests_requested_at'))
        batch_op.drop_index(batch_op.f('ix_password_reset_requests_ip_address'))
        batch_op.drop_index(batch_op.f('ix_password_reset_requests_email'))
    op.drop_table('password_reset_requests')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_expires_at'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
