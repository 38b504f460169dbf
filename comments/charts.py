"""Small server-rendered SVG charts for the moderation overview: no JavaScript, no styles inline.

Colours and type come from classes in static/css/site.css; every chart has a <title> and a
<desc> so screen readers get what the picture says.
"""

from django.utils.html import format_html, format_html_join

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 22
BAR_GAP = 8


def bar_chart(rows, *, title, description, chart_id):
    """Horizontal bars, one per (label, value, note) row, longest value full width."""
    if not rows:
        return format_html('<p class="chart__empty">{}: nothing in the last 30 days.</p>', title)
    largest = max(value for _, value, _ in rows) or 1
    span = WIDTH - LABEL_WIDTH - 190  # Room for the value and its note after the bar.
    height = len(rows) * (BAR_HEIGHT + BAR_GAP)
    bars = format_html_join(
        "",
        '<g transform="translate(0 {})">'
        '<text class="chart__label" x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect class="chart__bar" x="{}" y="0" width="{}" height="{}"></rect>'
        '<text class="chart__value" x="{}" y="{}">{}</text></g>',
        (
            (
                i * (BAR_HEIGHT + BAR_GAP),
                LABEL_WIDTH - 8,
                BAR_HEIGHT - 6,
                label,
                LABEL_WIDTH,
                max(1, round(value / largest * span)),
                BAR_HEIGHT,
                LABEL_WIDTH + max(1, round(value / largest * span)) + 6,
                BAR_HEIGHT - 6,
                f"{value}{note}",
            )
            for i, (label, value, note) in enumerate(rows)
        ),
    )
    return _svg(chart_id, title, description, height, bars)


def line_chart(points, *, title, description, chart_id):
    """A line over (label, value) points in order, with the first, last and peak labelled."""
    height, top, bottom, left, right = 180, 20, 30, 40, 16
    largest = max((value for _, value in points), default=0) or 1
    step = (WIDTH - left - right) / max(1, len(points) - 1)

    def xy(i, value):
        return round(left + i * step, 1), round(
            top + (1 - value / largest) * (height - top - bottom), 1
        )

    coordinates = [xy(i, value) for i, (_, value) in enumerate(points)]
    line = " ".join(f"{x},{y}" for x, y in coordinates)
    base = height - bottom
    area = f"{left},{base} {line} {coordinates[-1][0]},{base}" if coordinates else ""
    peak = max(range(len(points)), key=lambda i: points[i][1]) if points else 0
    body = format_html(
        '<line class="chart__axis" x1="{left}" y1="{base}" x2="{end}" y2="{base}"></line>'
        '<text class="chart__label" x="{lx}" y="{ty}" text-anchor="end">{largest}</text>'
        '<text class="chart__label" x="{lx}" y="{base}" text-anchor="end">0</text>'
        '<polygon class="chart__area" points="{area}"></polygon>'
        '<polyline class="chart__line" points="{line}"></polyline>'
        '<text class="chart__label" x="{left}" y="{date_y}">{first}</text>'
        '<text class="chart__label" x="{end}" y="{date_y}" text-anchor="end">{last}</text>'
        '<circle class="chart__peak" cx="{peak_x}" cy="{peak_y}" r="4"></circle>',
        left=left,
        base=base,
        end=WIDTH - right,
        lx=left - 6,
        ty=top + 4,
        largest=largest,
        area=area,
        line=line,
        date_y=height - 8,
        first=points[0][0] if points else "",
        last=points[-1][0] if points else "",
        peak_x=coordinates[peak][0] if points else left,
        peak_y=coordinates[peak][1] if points else base,
    )
    return _svg(chart_id, title, description, height, body)


def _svg(chart_id, title, description, height, body):
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        body,
    )
