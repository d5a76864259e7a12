"""The organisation's structure: regions, units (CLPs, branches) and affiliates."""
