"""A partner's membership status change links to the board decision that approved it.

The free-text "decision reference" stays (references from before Accord, e.g. "Board minute 2025/03");
where it matches a decision of the same network by its reference (e.g. RIV-2026-014, any case), the
change now links to that decision. The link cannot leave the network (a composite foreign key).

Revision ID: 0019_partner_decision_links
Revises: 0018_minutes
Create Date: 2026-11-30 02:20:00

"""
from alembic import op
import sqlalchemy as sa

from governance.core.migration_helpers import drop_append_only, make_append_only


# revision identifiers, used by Alembic.
revision = '0019_partner_decision_links'
down_revision = '0018_minutes'
branch_labels = None
depends_on = None

TABLE = 'partner_status_changes'


def upgrade():
    drop_append_only(TABLE)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_partner_status_changes_decision_id'), ['decision_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_partner_status_changes_network_id_decision_id_decisions'),
                                    'decisions', ['network_id', 'decision_id'], ['network_id', 'id'])
    op.execute(f"UPDATE {TABLE} SET decision_id = (SELECT decisions.id FROM decisions "
               f"WHERE decisions.network_id = {TABLE}.network_id "
               f"AND UPPER(decisions.reference) = UPPER(TRIM({TABLE}.decision_reference))) "
               f"WHERE TRIM({TABLE}.decision_reference) <> ''")
    make_append_only(TABLE)


def downgrade():
    drop_append_only(TABLE)
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_partner_status_changes_network_id_decision_id_decisions'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_partner_status_changes_decision_id'))
        batch_op.drop_column('decision_id')
    make_append_only(TABLE)
