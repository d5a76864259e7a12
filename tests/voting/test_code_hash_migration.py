"""Migration 0010 keeps a ballot code's first 16 bytes of its HMAC, binary, where all 64 hex
characters were: a code issued before it must go on working after it."""

import hmac

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tallyroom.voting.casting import voter
from tallyroom.voting.codes import _code_key, code_hash

BEFORE, AFTER = ("voting", "0009_reminder_delivery_pending_choice"), ("voting", "0010_code_hash_16_bytes")


@pytest.mark.django_db(transaction=True)
def test_a_code_issued_before_the_migration_still_casts_after_it(voting_election):
    election, _, members = voting_election(voters=2)
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    codes = ("AAAA-BBBB-CCCC-DDDD", "EEEE")
    old = [hmac.digest(_code_key(), code.encode(), "sha256").hex() for code in codes]
    try:
        with connection.cursor() as cursor:
            for member, hashed in zip(members, old, strict=True):
                cursor.execute(
                    "INSERT INTO voting_ballotcode (election_id, member_id, code_hash, issued_at, delivery) "
                    "VALUES (%s, %s, %s, CURRENT_TIMESTAMP, 'sent')",
                    [election.pk, member.pk, hashed],
                )
    finally:
        MigrationExecutor(connection).migrate([AFTER])
    try:
        found = voter("aaaa bbbb cccc dddd")
        assert found.member_id == members[0].pk and bytes(found.code_hash) == code_hash("AAAABBBBCCCCDDDD")
        assert voter("EEEE").member_id == members[1].pk
        assert bytes(found.code_hash) == bytes.fromhex(old[0][:32])
    finally:  # the later migrations back, for the tests after this one
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
