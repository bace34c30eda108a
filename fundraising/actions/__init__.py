"""Every change in the fundraising app, each in one transaction with its ledger entry.

Platforms: actions.platforms; API keys: actions.keys; campaign filings and
reports: actions.campaigns; platform progress reports via the API:
actions.progress. Every function checks the acting user's permission itself.
"""
