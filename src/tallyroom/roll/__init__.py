"""Members and the roll: who may vote in each contest, why others may not, and recorded decisions."""
