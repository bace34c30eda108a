"""Public registry pages: search, CSV export, the charity page and its report files."""

import csv
import math
from importlib import import_module

from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ledger.pages import ledger_history

from . import charts, regions, search
from .forms import SearchForm
from .models import AnnualReport, Organization

PER_PAGE = 20
EXPORT_LIMIT = 100_000


@require_GET
def organization_list(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "city_choices": form.city_choices(), "results": None}
    if request.GET and not form.is_valid():
        return render(request, "organizations/list.html", context, status=400)
    params = form.cleaned_data if request.GET else {}
    count, page, results = search.numbered_page(params, _page_number(request.GET.get("page")), PER_PAGE)
    pages = max(1, math.ceil(min(count, search.COUNT_CAP) / PER_PAGE))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(results=results, count=min(count, search.COUNT_CAP), more=count > search.COUNT_CAP,
                   page=page, pages=pages, page_range=_page_range(page, pages), query=query.urlencode(),
                   export_limit=f"{EXPORT_LIMIT:,}")
    return render(request, "organizations/list.html", context)


def _page_number(value):
    try:
        return int(value or 1)
    except (TypeError, ValueError):
        return 1


def _page_range(page, pages):
    """Page numbers to link, with None where numbers are left out (shown as …)."""
    numbers = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out = []
    for n in numbers:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


CSV_COLUMNS = [
    ("uscc", "统一社会信用代码 / Credit code"), ("name", "名称 / Name"), ("name_en", "英文名称 / English name"),
    ("org_type", "类型 / Type"), ("status", "状态 / Status"), ("status_changed_on", "状态日期 / Status since"),
    ("region_code", "行政区划代码 / Region code"), ("region", "所在地区 / Region"),
    ("registration_authority", "登记管理机关 / Registration authority"),
    ("recognized_on", "认定慈善组织日期 / Recognised on"),
    ("public_fundraising_qualified", "公开募捐资格 / Public fundraising qualification"),
    ("qualification_granted_on", "取得资格日期 / Qualification granted on"),
    ("tax_deductible", "公益性捐赠税前扣除资格 / Tax-deductible"),
    ("fields_of_service", "服务领域 / Fields of service"),
    ("legal_representative", "法定代表人 / Legal representative"),
    ("founded_on", "成立日期 / Founded on"), ("address", "住所 / Address"), ("website", "网站 / Website"),
    ("phone", "联系电话 / Telephone"), ("url", "页面 / Page"),
]


class _Echo:
    def write(self, value):
        return value


@require_GET
def organization_export(request):
    """The current search result as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    queryset = search.search(form.cleaned_data).prefetch_related("service_fields")[:EXPORT_LIMIT]
    writer = csv.writer(_Echo())
    base = request.build_absolute_uri("/")[:-1]

    def rows():
        yield "\ufeff" + writer.writerow([label for _, label in CSV_COLUMNS])
        for org in queryset.iterator(chunk_size=2000):
            state = org.public_state()
            state.update(region=regions.full_name(org.region_code), url=base + org.get_absolute_url(),
                         fields_of_service=" ".join(org.fields_of_service))
            yield writer.writerow(_csv_value(state[key]) for key, _label in CSV_COLUMNS)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="charities-{stamp}.csv"'
    return response


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    # Spreadsheet programs run cells that begin with these as formulas.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@require_GET
def cities(request):
    """Cities of a province, for the search form's second dropdown."""
    province = request.GET.get("province", "")
    if not regions.is_valid(province) or regions.get(province).level != "province":
        return JsonResponse({"error": _("Choose a valid province."), "param": "province"}, status=400)
    return JsonResponse({"cities": [{"code": c.code, "name": c.name} for c in regions.children(province)]})


@require_GET
def organization_detail(request, code):
    org = get_object_or_404(Organization.objects.prefetch_related("service_fields"), uscc=code.upper())
    reports = list(org.annual_reports.all())
    disclosures = list(org.disclosures.all())
    corrections = list(org.corrections.all())
    corrected = {}
    for c in corrections:
        corrected.setdefault(c.corrects_seq, []).append(c)
    latest = {}
    for report in sorted(reports, key=lambda r: r.ledger_seq):
        latest[report.year] = report
    context = {
        "org": org,
        "region_name": org.region_name(),
        "fields_of_service": [_field_label(f) for f in org.fields_of_service],
        "reports": reports,
        "current_report_seqs": {r.ledger_seq for r in latest.values()},
        "finance_chart": charts.finance_svg([latest[y] for y in sorted(latest)]),
        "finance_rows": [latest[y] for y in sorted(latest, reverse=True)],
        "disclosures": disclosures,
        "corrections": corrections,
        "corrected": corrected,
        "history": ledger_history(org.subject),
        "campaigns": _optional("fundraising.queries", "campaigns_for_organization", org),
        "badges": _optional("sanctions.queries", "badges_for", org.subject),
        "sanction_decisions": _optional("sanctions.queries", "decisions_for", org.subject),
    }
    return render(request, "organizations/detail.html", context)


def _field_label(code):
    from .models import FieldOfService

    return FieldOfService(code).label


def _optional(module, function, *args):
    """Call another app's query if that app provides it (None when it does not, yet)."""
    try:
        func = getattr(import_module(module), function)
    except (ImportError, AttributeError):
        return None
    return list(func(*args))


@require_GET
def annual_report_file(request, code, seq):
    report = AnnualReport.objects.filter(organization__uscc=code.upper(), ledger_seq=seq).first()
    if report is None or not report.file:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(handle, content_type="application/pdf",
                            filename=f"{report.organization.uscc}-{report.year}.pdf")
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    response["X-Content-SHA256"] = report.file_sha256
    return response
