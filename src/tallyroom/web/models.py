"""One-time codes that let a staff account set up its second factor."""

from django.conf import settings
from django.db import models


class EnrolmentCode(models.Model):
    """A code the returning officer (or the command line) gives a staff member out of band, without
    which their account cannot add its first authenticator: so a stolen password alone cannot set
    up the thief's. Only its SHA-256 is kept; it works once, before ``expires_at``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the code, hex")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"set-up code for {self.user} (until {self.expires_at:%Y-%m-%d %H:%M})"
