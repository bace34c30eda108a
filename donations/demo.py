"""Demo donations, refunds, a correction and disbursements, and a few receipts to try at once.

Runs after fundraising.demo: it gives money to the campaigns that are
active, and files one more campaign that began 40 days ago (so its money can
be shown over time; the filing is flagged late, truthfully). Everything goes
through the platform actions, as a platform's API calls would. The demo
donors' names, phones and ID numbers live only in this file, as a platform
would hold them: only the phone number is passed on, as the donor identifier,
and only a commitment to it reaches the ledger (tests/donations/test_demo_data.py
scans every leaf for them). Receipt numbers and codes are random on every run.

`seed_demo` prints three lines `demo receipt: <receipt number> <verification code>`.
`seed_demo --donations N` adds N more donations through the bulk action
(record_donations_bulk, 5,000 per transaction and head lock), for benchmarks.
"""

import hashlib
import random
import time
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from fundraising.actions.campaigns import file_campaign
from fundraising.models import Campaign, Platform

from . import actions
from .models import Channel

SEED = 2018
DEMO_RECEIPTS = 3
# (name, mobile, resident ID number): fictional, and never sent to the portal except the phone, as donor_ref.
DONORS = [  # compound surnames, so no demo charity's legal representative shares a name with a donor
    ("欧阳慕青", "13800138001", "110101199001011237"), ("司马兰馨", "13912345602", "310104198502023457"),
    ("上官若溪", "13700137003", "440106199203035673"), ("诸葛明远", "15012345604", "510107198804047899"),
    ("慕容清扬", "18612345605", "330106199505051016"), ("东方晓岚", "13612345606", "420106198706061234"),
    ("皇甫子衿", "15812345607", "210102199107071457"), ("令狐思源", "18912345608", "350102198908081678"),
]
AMOUNTS = [5_00, 10_00, 20_00, 50_00, 66_00, 100_00, 200_00, 500_00, 1_000_00, 5_000_00]
CHANNELS = [Channel.WECHAT_PAY, Channel.ALIPAY, Channel.UNIONPAY, Channel.PLATFORM_BALANCE]
LIBRARY = ("山区学校图书角", "为山区小学建设图书角，配置适龄读物并培训阅读推广老师")


def add_arguments(parser):
    parser.add_argument("--donations", type=int, default=0, metavar="N",
                        help="also record N bulk donations across the active campaigns (benchmarks)")


def seed(command, options):
    rng = random.Random(SEED)
    platforms = {p.code: p for p in Platform.objects.filter(status=Platform.Status.DESIGNATED)}
    library = _library_campaign(platforms)
    active = list(Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related("organization")
                  .prefetch_related("platforms").order_by("filing_number"))
    if not active:
        command.stdout.write("demo data: no active campaign, so no donations")
        return
    receipts = []
    for campaign in active:
        receipts += _donate(campaign, rng, 200 if campaign == library else 60)
    if library is not None:
        _spend_and_refund(library)
    total = len(receipts)
    extra = options.get("donations") or 0
    if extra:
        total += _bulk(command, active, extra, rng)
    command.stdout.write(f"demo data: {total} donations on {len(active)} active campaigns")
    shown = {}
    for receipt_no, code, campaign in receipts:
        shown.setdefault(campaign.pk, (receipt_no, code))
    for receipt_no, code in list(shown.values())[:DEMO_RECEIPTS]:
        command.stdout.write(f"demo receipt: {receipt_no} {code}")


def _library_campaign(platforms):
    clerk = User.objects.filter(username="demo-clerk").first()
    web = [platforms[c] for c in ("tencent-gongyi", "jd-gongyi") if c in platforms]
    org = (Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related("organization")
           .values_list("organization", flat=True).first())
    if clerk is None or not web or org is None:
        return None
    from organizations.models import Organization

    start = timezone.localdate() - timedelta(days=40)
    return file_campaign(clerk, Organization.objects.get(pk=org), title=LIBRARY[0], purpose=LIBRARY[1],
                         target_fen=300_000_00, starts_on=start, ends_on=start + timedelta(days=120),
                         region_code="520000", platforms=web)


def _when(campaign, rng):
    """A time between the campaign's start (Beijing midnight) and a minute ago."""
    now = timezone.now() - timedelta(minutes=1)
    start = _midnight(campaign.starts_on)
    span = max((now - start).total_seconds(), 1)
    return start + timedelta(seconds=int(span * rng.random() ** 0.7))


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))  # in Beijing time


def _donate(campaign, rng, count):
    """`count` donations through record_donations, as the campaign's platforms would report them."""
    platforms = sorted(campaign.platforms.all(), key=lambda p: p.code)
    out = []
    for platform in platforms:
        items = []
        for i in range(count // len(platforms)):
            name, phone, _id_number = rng.choice(DONORS)
            items.append({"external_id": f"demo-{campaign.filing_number}-{i}", "filing_number": campaign.filing_number,
                          "amount_fen": rng.choice(AMOUNTS), "donated_at": _when(campaign, rng).isoformat(),
                          "channel": rng.choice(CHANNELS), "anonymous": rng.random() < 0.2, "donor_ref": phone})
        outcome = actions.record_donations(platform, items)
        out += [(r["result"]["receipt_no"], r["result"]["verification_code"], campaign)
                for r in outcome.results if r["status"] == "accepted"]
    return out


def _spend_and_refund(campaign):
    platform = campaign.platforms.order_by("code").first()
    # A refund (a duplicate payment) and a correction (an amount typed wrong), from the first platform's donations.
    mine = list(campaign.donations.filter(platform=platform).order_by("donated_at")[:2])
    if len(mine) == 2:
        actions.record_refunds(platform, [{
            "external_id": "demo-refund-1", "receipt_no": mine[0].receipt_no, "amount_fen": mine[0].amount_fen,
            "refunded_on": timezone.localdate().isoformat(), "reason": "捐赠人重复支付，原路退回"}])
        actions.correct_donation(platform, {
            "external_id": "demo-correction-1", "receipt_no": mine[1].receipt_no,
            "amount_fen": mine[1].amount_fen + 1_00, "reason": "平台对账发现金额录入少计1元"})
    fund = campaign.fund
    available = fund.raised_fen - fund.refunded_fen
    plan = [(30, 0.30, "organization", "贵州省某县希望小学", "采购图书及书架（第一批）"),
            (18, 0.20, "project", "图书角阅读推广教师培训", "阅读推广教师培训"),
            (5, 0.15, "individuals", "王*等", "资助学生购买课外读物")]
    items = []
    for n, (days_ago, share, kind, name, purpose) in enumerate(plan):
        items.append({"external_id": f"demo-disbursement-{n}", "filing_number": campaign.filing_number,
                      "amount_fen": int(available * share), "purpose": purpose,
                      "disbursed_on": (timezone.localdate() - timedelta(days=days_ago)).isoformat(),
                      "recipient_type": kind, "recipient_name": name,
                      "recipient_count": 46 if kind == "individuals" else None,
                      "evidence_sha256": _evidence(campaign, n)})
    actions.record_disbursements(platform, items)


def _evidence(campaign, n):
    return hashlib.sha256(f"demo evidence {campaign.filing_number} {n}".encode()).hexdigest()


def _bulk(command, campaigns, count, rng):
    """`count` donations split over the campaigns and their platforms, through record_donations_bulk."""
    started = time.perf_counter()
    pairs = [(c, p) for c in campaigns for p in sorted(c.platforms.all(), key=lambda p: p.code)
             if p.status == Platform.Status.DESIGNATED]
    done = 0
    for n, (campaign, platform) in enumerate(pairs):
        share = count // len(pairs) + (1 if n < count % len(pairs) else 0)
        base = timezone.now() - timedelta(minutes=1)
        start = _midnight(campaign.starts_on)
        span = max(int((base - start).total_seconds()), 1)
        rows = ({"external_id": f"bulk-{campaign.filing_number}-{i}", "campaign": campaign,
                 "amount_fen": AMOUNTS[i % len(AMOUNTS)], "donated_at": start + timedelta(seconds=(i * 7919) % span),
                 "channel": CHANNELS[i % len(CHANNELS)], "anonymous": i % 5 == 0,
                 "donor_ref": f"bulk-donor-{i % 100_000}"} for i in range(share))
        written, _kept = actions.record_donations_bulk(platform, rows)
        done += written
        elapsed = time.perf_counter() - started
        command.stdout.write(f"bulk donations: {done} of {count} ({done / elapsed:,.0f}/s)")
    return done
