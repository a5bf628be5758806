"""Workstreams and accountabilities: workstreams, their RACI history, lead roles and their holders.

Exactly one Accountable per workstream is kept by the database as well as the service: a partial
unique index allows one open Accountable row per workstream, and triggers refuse an Accountable
whose dates overlap another's, any change to a row but closing it, and deletes (the history is
the record). Lead role holders follow the same rules. Every network gets the standard lead roles.

Revision ID: 0013_accountability
Revises: 0012_ledger
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_accountability'
down_revision = '0012_ledger'
branch_labels = None
depends_on = None

OPEN_ACCOUNTABLE = "role = 'A' AND valid_to IS NULL"
OPEN_APPOINTMENT = "ended_on IS NULL"

# The standard lead roles as they stood when this migration was written (the models may add more).
STANDARD_LEAD_ROLES = [
    ("clinical_director", "Clinical Director",
     "Leads the network clinically and represents it to the commissioner and the wider system."),
    ("chair", "Chair", "Chairs the board and its meetings, and decides how declared conflicts are managed."),
    ("vice_chair", "Vice-chair", "Chairs the board when the chair is absent or conflicted."),
    ("caldicott_guardian", "Caldicott Guardian",
     "Protects the confidentiality of people's health and care information and makes sure it is shared "
     "appropriately."),
    ("data_protection_officer", "Data Protection Officer",
     "Advises on and monitors the network's compliance with data protection law (UK GDPR)."),
    ("siro", "Senior Information Risk Owner", "Owns the network's information risks and its information risk policy."),
    ("safeguarding_adults", "Safeguarding lead (adults)", "Leads on safeguarding adults at risk across the network."),
    ("safeguarding_children", "Safeguarding lead (children)",
     "Leads on safeguarding children and young people across the network."),
    ("finance_lead", "Finance lead", "Oversees the network's funding, spend and risk and gain share."),
    ("patient_engagement_lead", "Patient engagement lead",
     "Leads engagement with patients and the public, and the response to their feedback."),
    ("information_governance_lead", "Information governance lead",
     "Leads on information governance: data sharing agreements, records and the Data Security and Protection "
     "Toolkit."),
]


class History:
    """How one dated-history table is guarded: which columns never change, which close a row, what may not overlap."""

    def __init__(self, table, parent, start, end, fixed, closing, overlap_filter=""):
        self.table, self.parent, self.start, self.end = table, parent, start, end
        self.fixed, self.closing, self.overlap_filter = fixed, closing, overlap_filter

    def changed(self, columns, distinct):
        return " OR ".join(f"NEW.{c} {distinct} OLD.{c}" for c in columns)

    def overlap(self, distinct):
        """SQL true when NEW is in force on a day another row of the same parent is (empty periods never are)."""
        other_filter = f" AND other.{self.overlap_filter}" if self.overlap_filter else ""
        s, e = self.start, self.end
        return (f"EXISTS (SELECT 1 FROM {self.table} AS other WHERE other.{self.parent} = NEW.{self.parent} "
                f"AND other.id {distinct} NEW.id{other_filter} "
                f"AND (other.{e} IS NULL OR other.{e} > other.{s}) AND (NEW.{e} IS NULL OR NEW.{e} > NEW.{s}) "
                f"AND (other.{e} IS NULL OR other.{e} > NEW.{s}) AND (NEW.{e} IS NULL OR NEW.{e} > other.{s}))")

    def new_filter(self):
        return f"NEW.{self.overlap_filter} AND " if self.overlap_filter else ""


ASSIGNMENTS = History(
    'workstream_assignments', 'workstream_id', 'valid_from', 'valid_to',
    fixed=('id', 'network_id', 'workstream_id', 'role', 'partner_id', 'membership_id', 'valid_from', 'note',
           'recorded_by_id', 'recorded_at'),
    closing=('valid_to', 'end_note', 'ended_by_id', 'ended_at'),
    overlap_filter="role = 'A'")
APPOINTMENTS = History(
    'lead_role_appointments', 'lead_role_id', 'term_start', 'ended_on',
    fixed=('id', 'network_id', 'lead_role_id', 'membership_id', 'person_name', 'partner_id', 'term_start',
           'term_end', 'note', 'recorded_by_id', 'recorded_at'),
    closing=('ended_on', 'end_note', 'ended_by_id', 'ended_at'))

KEPT = "rows are history: they are closed, never deleted"
ONLY_CLOSE = "rows are history: an open row may be closed, nothing else changes"
OVERLAP = "would put two in force on the same day"


def _sqlite_guards(h: History) -> None:
    t = h.table
    op.execute(f"CREATE TRIGGER {t}_keep_history BEFORE DELETE ON {t} "
               f"BEGIN SELECT RAISE(ABORT, '{t} {KEPT}'); END")
    op.execute(f"CREATE TRIGGER {t}_only_close BEFORE UPDATE ON {t} "
               f"WHEN {h.changed(h.fixed, 'IS NOT')} OR (OLD.{h.end} IS NOT NULL AND ({h.changed(h.closing, 'IS NOT')})) "
               f"BEGIN SELECT RAISE(ABORT, '{t} {ONLY_CLOSE}'); END")
    for event in ("INSERT", f"UPDATE OF {h.end}"):
        name = "insert" if event == "INSERT" else "update"
        op.execute(f"CREATE TRIGGER {t}_no_overlap_{name} BEFORE {event} ON {t} "
                   f"WHEN {h.new_filter()}{h.overlap('IS NOT')} "
                   f"BEGIN SELECT RAISE(ABORT, '{t}: this {OVERLAP}'); END")


def _postgresql_guards(h: History) -> None:
    t = h.table
    # SQLSTATE class 23 (integrity constraint violation): the app answers it as a conflict, not a crash.
    op.execute(f"""
CREATE FUNCTION accord_{t}_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
    RAISE EXCEPTION '{t} {KEPT}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF {h.changed(h.fixed, 'IS DISTINCT FROM')}
        OR (OLD.{h.end} IS NOT NULL AND ({h.changed(h.closing, 'IS DISTINCT FROM')})) THEN
      RAISE EXCEPTION '{t} {ONLY_CLOSE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  IF {h.new_filter()}{h.overlap('IS DISTINCT FROM')} THEN
    RAISE EXCEPTION '{t}: this {OVERLAP}' USING ERRCODE = 'exclusion_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""")
    op.execute(f"CREATE TRIGGER {t}_guard BEFORE INSERT OR UPDATE OR DELETE ON {t} "
               f"FOR EACH ROW EXECUTE FUNCTION accord_{t}_guard()")
    op.execute(f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION accord_{t}_guard()")


def _guard(h: History) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_guards(h)
    else:
        _postgresql_guards(h)


def _unguard(h: History) -> None:
    t = h.table
    if op.get_bind().dialect.name == "sqlite":
        for name in ("keep_history", "only_close", "no_overlap_insert", "no_overlap_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {t}_{name}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {t}_guard ON {t}")
        op.execute(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}")
        op.execute(f"DROP FUNCTION IF EXISTS accord_{t}_guard()")


def _standard_lead_roles() -> None:
    lead_roles = sa.table('lead_roles', sa.column('network_id', sa.Integer), sa.column('key', sa.String),
                          sa.column('name', sa.String), sa.column('description', sa.Text),
                          sa.column('required', sa.Boolean), sa.column('position', sa.Integer),
                          sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime),
                          sa.column('updated_at', sa.DateTime))
    networks = sa.table('networks', sa.column('id', sa.Integer))
    bind = op.get_bind()
    now = sa.func.current_timestamp()
    for index, (key, name, description) in enumerate(STANDARD_LEAD_ROLES):
        chosen = sa.select(networks.c.id, sa.literal(key), sa.literal(name), sa.literal(description),
                           sa.true(), sa.literal((index + 1) * 10), sa.literal(1), now, now)
        bind.execute(lead_roles.insert().from_select(
            ['network_id', 'key', 'name', 'description', 'required', 'position', 'version', 'created_at',
             'updated_at'], chosen))


def upgrade():
    op.create_table('workstreams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('population', sa.String(length=300), nullable=False),
    sa.Column('lead_partner_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('established_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'active', 'paused', 'closed')", name=op.f('ck_workstreams_known_status')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date',
                       name=op.f('ck_workstreams_ends_after_start')),
    sa.ForeignKeyConstraint(['network_id', 'lead_partner_id'], ['partners.network_id', 'partners.id'],
                            name=op.f('fk_workstreams_network_id_lead_partner_id_partners')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_workstreams_network_id_networks'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workstreams')),
    sa.UniqueConstraint('network_id', 'name', name=op.f('uq_workstreams_network_id_name'))
    )
    with op.batch_alter_table('workstreams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workstreams_lead_partner_id'), ['lead_partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workstreams_network_id'), ['network_id'], unique=False)
    op.create_index('uq_workstreams_network_id_id', 'workstreams', ['network_id', 'id'], unique=True)

    op.create_table('workstream_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workstream_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=1), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('started_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('ended_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('end_note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('R', 'A', 'C', 'I')", name=op.f('ck_workstream_assignments_known_role')),
    sa.CheckConstraint('partner_id IS NOT NULL OR membership_id IS NOT NULL',
                       name=op.f('ck_workstream_assignments_names_a_party')),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from',
                       name=op.f('ck_workstream_assignments_ends_after_start')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_workstream_assignments_ended_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'membership_id'], ['memberships.network_id', 'memberships.id'],
                            name=op.f('fk_workstream_assignments_network_id_membership_id_memberships')),
    sa.ForeignKeyConstraint(['network_id', 'partner_id'], ['partners.network_id', 'partners.id'],
                            name=op.f('fk_workstream_assignments_network_id_partner_id_partners')),
    sa.ForeignKeyConstraint(['network_id', 'workstream_id'], ['workstreams.network_id', 'workstreams.id'],
                            name=op.f('fk_workstream_assignments_network_id_workstream_id_workstreams')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_workstream_assignments_network_id_networks'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                            name=op.f('fk_workstream_assignments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workstream_assignments'))
    )
    with op.batch_alter_table('workstream_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workstream_assignments_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workstream_assignments_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workstream_assignments_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workstream_assignments_workstream_id'), ['workstream_id'], unique=False)
    op.create_index('ix_workstream_assignments_in_force', 'workstream_assignments',
                    ['network_id', 'valid_from', 'valid_to'], unique=False)
    op.create_index('uq_workstream_assignments_one_accountable', 'workstream_assignments', ['workstream_id'],
                    unique=True, sqlite_where=sa.text(OPEN_ACCOUNTABLE), postgresql_where=sa.text(OPEN_ACCOUNTABLE))
    op.create_index('uq_workstream_assignments_network_id_id', 'workstream_assignments', ['network_id', 'id'],
                    unique=True)

    op.create_table('lead_roles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_lead_roles_network_id_networks'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_roles')),
    sa.UniqueConstraint('network_id', 'key', name=op.f('uq_lead_roles_network_id_key')),
    sa.UniqueConstraint('network_id', 'name', name=op.f('uq_lead_roles_network_id_name'))
    )
    with op.batch_alter_table('lead_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_roles_network_id'), ['network_id'], unique=False)
    op.create_index('uq_lead_roles_network_id_id', 'lead_roles', ['network_id', 'id'], unique=True)

    op.create_table('lead_role_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_role_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('appointed_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('ended_by_decision_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('end_note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= term_start',
                       name=op.f('ck_lead_role_appointments_ends_after_start')),
    sa.CheckConstraint("membership_id IS NOT NULL OR person_name <> ''",
                       name=op.f('ck_lead_role_appointments_names_a_holder')),
    sa.CheckConstraint('term_end IS NULL OR term_end >= term_start',
                       name=op.f('ck_lead_role_appointments_term_ends_after_start')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_lead_role_appointments_ended_by_id_users')),
    sa.ForeignKeyConstraint(['network_id', 'lead_role_id'], ['lead_roles.network_id', 'lead_roles.id'],
                            name=op.f('fk_lead_role_appointments_network_id_lead_role_id_lead_roles')),
    sa.ForeignKeyConstraint(['network_id', 'membership_id'], ['memberships.network_id', 'memberships.id'],
                            name=op.f('fk_lead_role_appointments_network_id_membership_id_memberships')),
    sa.ForeignKeyConstraint(['network_id', 'partner_id'], ['partners.network_id', 'partners.id'],
                            name=op.f('fk_lead_role_appointments_network_id_partner_id_partners')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_lead_role_appointments_network_id_networks'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                            name=op.f('fk_lead_role_appointments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_role_appointments'))
    )
    with op.batch_alter_table('lead_role_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_role_appointments_lead_role_id'), ['lead_role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_role_appointments_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_role_appointments_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_role_appointments_partner_id'), ['partner_id'], unique=False)
    op.create_index('uq_lead_role_appointments_one_holder', 'lead_role_appointments', ['lead_role_id'], unique=True,
                    sqlite_where=sa.text(OPEN_APPOINTMENT), postgresql_where=sa.text(OPEN_APPOINTMENT))
    op.create_index('uq_lead_role_appointments_network_id_id', 'lead_role_appointments', ['network_id', 'id'],
                    unique=True)

    _guard(ASSIGNMENTS)
    _guard(APPOINTMENTS)
    _standard_lead_roles()


def downgrade():
    _unguard(APPOINTMENTS)
    _unguard(ASSIGNMENTS)
    op.drop_table('lead_role_appointments')
    op.drop_table('lead_roles')
    op.drop_table('workstream_assignments')
    op.drop_table('workstreams')
