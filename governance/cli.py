"""Flask commands: create-admin, create-network, seed-demo, demo-accounts."""

import click
from flask import Flask, current_app
from sqlalchemy import select

from governance import demo
from governance.auth import services as auth_services
from governance.core import ledger, outbox
from governance.core.errors import ServiceError
from governance.extensions import db
from governance.networks import services as network_services
from governance.networks.models import CARE_MODEL_LABELS, Network


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.password_option()
def create_admin(email, full_name, password):
    """Create a site administrator account."""
    try:
        user = auth_services.create_user(email, full_name, password, site_admin=True)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Site administrator {user.email} created.")


@click.command("create-network")
@click.option("--name", prompt=True)
@click.option("--slug", default=None, help="Web address name; made from the name if not given")
@click.option("--care-model", type=click.Choice([m.value for m in CARE_MODEL_LABELS]), prompt=True)
@click.option("--ods-code", default=None)
@click.option("--admin-email", default=None, help="Invite this person as the first network admin")
def create_network(name, slug, care_model, ods_code, admin_email):
    """Create a network and optionally invite its first network admin."""
    try:
        network = network_services.create_network(name, care_model, slug=slug, ods_code=ods_code)
        if admin_email:
            _, token = network_services.invite(network, admin_email, "network_admin", None)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Network {network.name} created at /n/{network.slug}/")
    if admin_email:
        click.echo(f"Invitation link for {admin_email}: {current_app.config['EXTERNAL_URL']}/invitations/{token}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing, quietly, when the database has data")
def seed_demo(if_empty):
    """Load the demo networks into an empty database."""
    current_app.config["MAIL_SUPPRESS"] = True  # the demo's invitations and reminders email nobody
    result = demo.seed_demo(current_app.config["DEMO_PASSWORD"])
    if result is None:
        if not if_empty:
            raise click.ClickException("The database already has networks; demo data not loaded")
        return
    db.session.commit()
    click.echo("Demo networks loaded.")


@click.command("demo-accounts")
def demo_accounts():
    """Print the demo accounts and their roles."""
    password = current_app.config["DEMO_PASSWORD"]
    click.echo(f"\nDemo accounts (password for all: {password})")
    for email, role, network in demo.DEMO_ACCOUNTS:
        click.echo(f"  {email:38} {role:24} {network}")
    click.echo("")


@click.command("send-mail")
@click.option("--all", "everything", is_flag=True, help="Also send what is not yet due again")
def send_mail(everything):
    """Send the outbox: messages not yet sent, or due again after a failure (with backoff)."""
    ids = outbox.pending_message_ids() if everything else outbox.due_message_ids()
    counts = outbox.send_messages(ids, only_due=not everything)
    click.echo(f"{counts['sent']} sent, {counts['failed']} failed.")


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Tasks run at the same time")
def worker(workers):
    """Run the background worker: mail, documents and the scheduled jobs (Ctrl+C stops it)."""
    from huey.consumer import Consumer

    from governance.core.tasks import huey

    if huey.immediate:
        raise click.ClickException("Tasks run at once in this configuration (TASKS_IMMEDIATE); no worker needed")
    Consumer(huey, workers=workers, worker_type="thread", periodic=True, max_delay=2.0).run()


@click.command("verify-ledger")
@click.option("--network", "slug", default=None, help="Only this network (its web address name)")
def verify_ledger(slug):
    """Walk each network's governance ledger; exit non-zero at the first entry that no longer matches."""
    networks = db.session.execute(select(Network).order_by(Network.id)).scalars().all()
    if slug:
        networks = [n for n in networks if n.slug == slug]
        if not networks:
            raise click.ClickException(f"No network has the web address name {slug!r}")
    failed = False
    for network in networks:
        result = ledger.verify(network.id)
        ledger.check(network.id)  # what the decision log shows until the worker's next hourly check
        if result.ok:
            head = f"entry {result.head.sequence}, {result.head.entry_hash}" if result.head else "no entries yet"
            click.echo(f"{network.name}: {result.checked} entries verified; head {head}")
        else:
            failed = True
            click.echo(f"{network.name}: entry {result.broken.sequence} ({result.broken.summary}) no longer "
                       f"matches: {result.problem}. {result.checked} entries before it verified.", err=True)
    db.session.commit()
    if failed:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    for command in (create_admin, create_network, seed_demo, demo_accounts, send_mail, worker, verify_ledger):
        app.cli.add_command(command)
