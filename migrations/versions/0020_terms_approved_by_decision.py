"""Terms of reference link to the board decision that approved them.

`terms_of_reference.approved_by_decision_id` was a plain integer until decisions existed; it now links to
a decision of the same network (a composite foreign key), so the link cannot leave the network.

Revision ID: 0020_terms_approved_by_decision
Revises: 0019_partner_decision_links
Create Date: 2026-11-30 04:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_terms_approved_by_decision'
down_revision = '0019_partner_decision_links'
branch_labels = None
depends_on = None

TABLE = 'terms_of_reference'


def upgrade():
    # a value that names no decision of the network could not be kept under the constraint
    op.execute(f"UPDATE {TABLE} SET approved_by_decision_id = NULL WHERE approved_by_decision_id IS NOT NULL "
               f"AND NOT EXISTS (SELECT 1 FROM decisions WHERE decisions.network_id = {TABLE}.network_id "
               f"AND decisions.id = {TABLE}.approved_by_decision_id)")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_of_reference_approved_by_decision_id'),
                              ['approved_by_decision_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_terms_of_reference_network_id_approved_by_decision_id_decisions'),
            'decisions', ['network_id', 'approved_by_decision_id'], ['network_id', 'id'])


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_terms_of_reference_network_id_approved_by_decision_id_decisions'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_terms_of_reference_approved_by_decision_id'))
