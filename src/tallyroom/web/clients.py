"""Which address a request comes from, the same for every limit (ballot codes, staff sign-in)."""

from django.conf import settings


def client_address(request) -> str:
    """``REMOTE_ADDR``, or behind a proxy the last entry of the header named by
    ``TALLYROOM_CLIENT_IP_HEADER`` (a request.META key such as ``HTTP_X_FORWARDED_FOR``): a
    forwarding header lists the client's own claims first, and the last entry is the one the
    trusted proxy appended, the only one a client cannot choose."""
    header = getattr(settings, "TALLYROOM_CLIENT_IP_HEADER", "")
    address = (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")
    return address.split(",")[-1].strip()
