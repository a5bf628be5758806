"""The network a public page belongs to: read by its address, then every read is scoped to it."""

import re

from flask import abort
from sqlalchemy import select

from governance.core import tenancy
from governance.extensions import db
from governance.networks.models import Network

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def network_or_404(slug: str) -> Network:
    """The network at this public address; its records only, from here to the end of the request."""
    if not SLUG.fullmatch(slug or ""):
        abort(404)
    network = db.session.execute(select(Network).where(Network.slug == slug)).scalar_one_or_none()
    if network is None:
        abort(404)
    tenancy.activate(network.id)
    return network
