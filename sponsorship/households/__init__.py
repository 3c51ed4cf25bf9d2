"""Beneficiary households: their records, who may see them, duplicates, transfers, export and erasure."""
