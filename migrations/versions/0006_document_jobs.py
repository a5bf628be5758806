"""Documents made by the background worker, with their progress.

Revision ID: 0006_document_jobs
Revises: 0005_network_keys
Create Date: 2026-11-29 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_document_jobs'
down_revision = '0005_network_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=200), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_document_jobs_network_id_networks'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['network_id', 'document_id'], ['issued_documents.network_id', 'issued_documents.id'],
                            name=op.f('fk_document_jobs_network_id_document_id_issued_documents')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_document_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_jobs'))
    )
    with op.batch_alter_table('document_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_jobs_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_jobs_document_id'), ['document_id'], unique=False)
    op.create_index('uq_document_jobs_network_id_id', 'document_jobs', ['network_id', 'id'], unique=True)


def downgrade():
    op.drop_table('document_jobs')
