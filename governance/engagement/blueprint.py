"""The engagement blueprint and what its views share."""

from flask import Blueprint

bp = Blueprint("engagement", __name__)
BASE = "/n/<network_slug>/engagement"
PUBLIC = "/p/<slug>"
