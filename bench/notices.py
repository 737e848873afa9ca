"""PDF notices: `documents.render.render_notice` for every notice kind, cold and warm.

The renderer needs no database (the engine hands it plain dataclasses), so this benchmark
configures Django and touches no database. It measures, on one thread with
`time.perf_counter()`:

- the first notice a process renders (cold: the font files are read and parsed then);
- N rounds of the six notices a case can produce (受理, 容缺受理, 不予受理, 一次性告知,
  办结, 出件回执), each with a realistic body: eight materials, reasons, contact lines;
- one bundle PDF of the six (`render_notices`).

It prints the median and the 95th percentile per notice (wall-clock, and the median CPU
time, steadier on a busy machine), the peak memory of the process and the size of each PDF
(the embedded font subsets are most of it). Target: a warm notice in under 50 ms at the
median.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import sys
import time
from zoneinfo import ZoneInfo

from bench import common

DEFAULT_SIZE = 20
TARGET_MS = 50.0

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _notices() -> list:
    from onewindow.cases.documents.notice import (
        MaterialStatus,
        Notice,
        NoticeKind,
        NoticeMaterial,
        NoticeParty,
    )

    base = {
        "case_number": "AHX-20261123-0007",
        "application_number": "SQ-20261123-0003",
        "center_name": "安和县政务服务中心",
        "department_name": "安和县市场监督管理局",
        "item_name": "食品经营许可（新办）",
        "applicant": NoticeParty(name="欧阳晓燕", id_number="110105198001010012", mobile="13812345678"),
        "issued_at": dt.datetime(2026, 11, 23, 10, 30, tzinfo=SHANGHAI),
        "applied_at": dt.datetime(2026, 11, 20, 9, 15, tzinfo=SHANGHAI),
        "clerk_name": "李晓华",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "consult_phone": "0537-3211234",
        "complaint_phone": "12345",
    }
    names = [
        "食品经营许可申请书",
        "营业执照复印件",
        "法定代表人（负责人）身份证明",
        "与食品经营相适应的主要设备设施布局、操作流程等文件",
        "食品安全管理制度文本",
        "食品安全管理人员健康证明",
        "经营场所平面图及周边环境示意图",
        "授权委托书及受托人身份证明",
    ]
    received = [NoticeMaterial(n, "原件1份、复印件1份", MaterialStatus.RECEIVED) for n in names]
    pending = [
        *received[:6],
        *(
            NoticeMaterial(n, "原件1份", MaterialStatus.PENDING, due_date=dt.date(2026, 12, 8))
            for n in names[6:]
        ),
    ]
    missing = [
        NoticeMaterial(n, "原件1份", MaterialStatus.MISSING, note="未提交，请补充完整后重新提交")
        for n in names[3:]
    ]
    return [
        Notice(
            kind=NoticeKind.ACCEPTANCE, materials=received, promised_deadline=dt.date(2026, 12, 4), **base
        ),
        Notice(kind=NoticeKind.ACCEPTANCE, materials=pending, promised_deadline=dt.date(2026, 12, 4), **base),
        Notice(
            kind=NoticeKind.REFUSAL,
            reasons=[
                "申请事项依法不需要取得行政许可",
                "申请事项不属于本机关职权范围，请向安和县卫生健康局申请",
            ],
            materials=[NoticeMaterial(n, "原件1份", MaterialStatus.RETURNED) for n in names[:3]],
            **base,
        ),
        Notice(kind=NoticeKind.SUPPLEMENT, materials=missing, supplement_due=dt.date(2026, 12, 8), **base),
        Notice(
            kind=NoticeKind.COMPLETION,
            decision="granted",
            decision_text="核发《食品经营许可证》（许可证编号：JY13708820000123）。",
            result_name="食品经营许可证",
            delivery_method="pickup",
            **base,
        ),
        Notice(kind=NoticeKind.HANDOVER, delivery_method="pickup", result_name="食品经营许可证", **base),
    ]


def _font_description() -> str:
    from onewindow.cases.documents import render

    fonts = getattr(render, "notice_fonts", None)
    if fonts is None:  # the renderer before decision 0012
        return f"font: {getattr(render, 'FONT', '?')} (not embedded)"
    return "font: " + fonts().describe()


def main(size: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from onewindow.cases.documents.render import render_notice, render_notices

    notices = _notices()
    start = time.perf_counter()
    render_notice(notices[0])
    cold = time.perf_counter() - start

    times: list[float] = []
    cpu_times: list[float] = []
    sizes: dict[str, int] = {}
    for _ in range(size):
        for notice in notices:
            start, cpu_start = time.perf_counter(), time.process_time()
            pdf = render_notice(notice)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
            sizes[notice.title] = len(pdf)
    start = time.perf_counter()
    bundle = render_notices(notices)
    bundle_seconds = time.perf_counter() - start

    median = statistics.median(times) * 1000
    p95 = statistics.quantiles(times, n=20)[-1] * 1000 if len(times) >= 2 else median
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else 1024**2)
    print(common.environment())
    print(_font_description())
    print(
        f"measured: {size} rounds of the {len(notices)} notice kinds ({len(times)} PDFs), one thread; "
        f"the first notice of the process apart (cold)"
    )
    print(f"cold first notice: {cold * 1000:.1f} ms; peak RSS of the process: {rss:.0f} MB")
    print(
        f"per notice: median {median:.1f} ms, p95 {p95:.1f} ms wall-clock; "
        f"median {statistics.median(cpu_times) * 1000:.1f} ms CPU; load average {os.getloadavg()[0]:.2f}"
    )
    print("PDF sizes: " + ", ".join(f"{title} {n / 1024:.0f} KiB" for title, n in sizes.items()))
    print(f"bundle of {len(notices)} notices: {bundle_seconds * 1000:.1f} ms, {len(bundle) / 1024:.0f} KiB")
    common.report("notices", median, "ms per notice (median, warm)", f"< {TARGET_MS:g} ms")
