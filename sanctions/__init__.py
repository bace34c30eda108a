"""Credit lists (abnormal-activity, serious-dishonesty, red list), their decisions and their enforcement.

Other apps ask `sanctions.checks.assert_allowed(subject, action)` and show
`sanctions.queries.badges_for(subject)` / `decisions_for(subject)`; this
app imports none of them.
"""
