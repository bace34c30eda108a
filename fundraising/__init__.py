"""Fundraising platforms, campaign filings and the platform docking API."""
