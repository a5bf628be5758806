"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise the message goes to the log."""

import smtplib
from email.message import EmailMessage

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email, from EXTERNAL_URL; works in CLI commands too (no request)."""
    path = current_app.url_map.bind("accord.invalid").build(endpoint, values)
    return current_app.config["EXTERNAL_URL"].rstrip("/") + path


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message, or log it when no mail server is configured."""
    cfg = current_app.config
    if cfg.get("MAIL_SUPPRESS"):
        current_app.logger.debug("Mail suppressed; message to %s: %s", to, subject)
        return
    message = EmailMessage()
    message["From"] = cfg["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not cfg["MAIL_SERVER"]:
        current_app.logger.warning("Mail not configured; message to %s:\n%s\n%s", to, subject, body)
        return
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg["MAIL_USE_TLS"]:
                smtp.starttls()
            if cfg["MAIL_USERNAME"]:
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # A mail outage must not lose the record being saved: log the message so it can be resent.
        current_app.logger.exception("Could not send mail to %s; message was:\n%s\n%s", to, subject, body)
