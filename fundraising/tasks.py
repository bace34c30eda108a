from celery import shared_task

from .actions.campaigns import update_statuses


@shared_task(name="fundraising.tasks.update_campaign_statuses")
def update_campaign_statuses():
    """Start campaigns whose start date has come and close those past their end (hourly beat)."""
    return update_statuses()
