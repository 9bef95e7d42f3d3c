"""System checks for settings that Django's own deploy checks do not know about."""

from django.conf import settings
from django.core import checks

NO_SMTP = checks.Warning(
    "No SMTP server is configured (DJANGO_EMAIL_HOST): password-reset mails are dropped, so "
    "learners who forget their password cannot get back in.",
    hint="Set DJANGO_EMAIL_HOST (and DJANGO_EMAIL_HOST_USER / _PASSWORD / _PORT).",
    id="academy.W001",
)


@checks.register(checks.Tags.security, deploy=True)
def check_mail_is_delivered(app_configs, **kwargs):
    if settings.EMAIL_BACKEND == "academy.mail.DroppedMailBackend":
        return [NO_SMTP]
    return []
