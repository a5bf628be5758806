"""The result of the worker's latest walk of each network's ledger, which pages show instead of walking it.

Revision ID: 0023_ledger_checks
Revises: 0022_corrections
Create Date: 2026-11-30 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_ledger_checks'
down_revision = '0022_corrections'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ledger_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.Column('checked', sa.Integer(), nullable=False),
    sa.Column('head_sequence', sa.Integer(), nullable=True),
    sa.Column('head_hash', sa.String(length=64), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('broken_sequence', sa.Integer(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_ledger_checks_network_id_networks'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_checks')),
    sa.UniqueConstraint('network_id', name=op.f('uq_ledger_checks_network_id'))
    )
    with op.batch_alter_table('ledger_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_checks_network_id'), ['network_id'], unique=False)
    op.create_index('uq_ledger_checks_network_id_id', 'ledger_checks', ['network_id', 'id'], unique=True)


def downgrade():
    op.drop_table('ledger_checks')
