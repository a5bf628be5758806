"""Workstreams, RACI assignments and lead role appointments link to the decisions behind them.

The columns were already there (0013) as plain integers; now each is a link that cannot leave the
network (a composite foreign key to `(decisions.network_id, decisions.id)`). The history guards of
0013 are unchanged: they leave these columns free, so the decision behind a change can be linked
after the change was recorded (a board often ratifies what was done).

SQLite cannot add a foreign key without rebuilding the table: foreign keys are switched off for the
rebuilds, checked once at the end, and the history guards, which go with a rebuilt table, are made
again (as in 0009).

Revision ID: 0021_accountability_decisions
Revises: 0020_terms_approved_by_decision
Create Date: 2026-11-30 04:00:00

"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_accountability_decisions'
down_revision = '0020_terms_approved_by_decision'
branch_labels = None
depends_on = None

# table -> the columns that now link to a decision of the same network
LINKS = {
    'workstreams': ('established_by_decision_id',),
    'workstream_assignments': ('started_by_decision_id', 'ended_by_decision_id'),
    'lead_role_appointments': ('appointed_by_decision_id', 'ended_by_decision_id'),
}
# Partial unique indexes that a SQLite rebuild may not carry over: made again when missing.
PARTIAL_INDEXES = {
    'workstream_assignments': ('uq_workstream_assignments_one_accountable', 'workstream_id',
                               "role = 'A' AND valid_to IS NULL"),
    'lead_role_appointments': ('uq_lead_role_appointments_one_holder', 'lead_role_id', 'ended_on IS NULL'),
}


def _accountability():
    """Migration 0013, for its history guards (written once, there)."""
    spec = importlib.util.spec_from_file_location('accord_0013_accountability',
                                                  Path(__file__).with_name('0013_accountability.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module




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
            raise RuntimeError(f'Accountability records link to decisions of another network: {problems[:10]}')


def _partial_indexes():
    if not _sqlite():
        return
    for table, (name, column, where) in PARTIAL_INDEXES.items():
        found = op.get_bind().execute(sa.text("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :n"),
                                      {'n': name}).first()
        if found is None:
            op.create_index(name, table, [column], unique=True, sqlite_where=sa.text(where))


def _relink(add: bool):
    migration = _accountability()
    guards = [migration.ASSIGNMENTS, migration.APPOINTMENTS]
    for guard in guards:  # a SQLite rebuild drops a table's triggers: made again below, on both databases
        migration._unguard(guard)
    _foreign_keys(False)
    for table, columns in LINKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                name = batch_op.f(f'fk_{table}_network_id_{column}_decisions')
                if add:
                    batch_op.create_foreign_key(name, 'decisions', ['network_id', column], ['network_id', 'id'])
                else:
                    batch_op.drop_constraint(name, type_='foreignkey')
    _partial_indexes()
    _check_foreign_keys()
    _foreign_keys(True)
    for guard in guards:
        migration._guard(guard)


def upgrade():
    _relink(add=True)


def downgrade():
    _relink(add=False)
