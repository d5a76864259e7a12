"""Online voting: one-time ballot codes, the ballot page, receipts and the public list of ballots."""
