#include "ui/manager/diagnosticscharts.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>

namespace {

QLineSeries *addSeries(QChart *chart, const QString &name, QDateTimeAxis *x, QValueAxis *y,
                       Qt::PenStyle style = Qt::SolidLine)
{
    auto *s = new QLineSeries(chart);
    s->setName(name);
    // Drawn on the raster engine: OpenGL is not there on every desk PC.
    s->setUseOpenGL(false);
    if (style != Qt::SolidLine) {
        QPen pen = s->pen();
        pen.setStyle(style);
        s->setPen(pen);
    }
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
    return s;
}

double maxOf(const QList<QPointF> &points, double floor)
{
    double m = floor;
    for (const QPointF &p : points)
        m = std::max(m, p.y());
    return m;
}

} // namespace

DiagnosticsCharts::DiagnosticsCharts(QWidget *parent)
    : QWidget(parent)
{
    const auto makeChart
        = [this](const QString &title, const QString &objectName, QValueAxis **y, const QString &unit) {
              auto *chart = new QChart;
              chart->setTitle(title);
              chart->setAnimationOptions(QChart::NoAnimation);
              chart->legend()->setAlignment(Qt::AlignBottom);
              auto *x = new QDateTimeAxis(chart);
              x->setFormat(QStringLiteral("HH:mm:ss"));
              x->setTickCount(5);
              chart->addAxis(x, Qt::AlignBottom);
              m_timeAxes << x;
              *y = new QValueAxis(chart);
              (*y)->setTitleText(unit);
              (*y)->setLabelFormat(QStringLiteral("%.0f"));
              (*y)->setRange(0, 1);
              chart->addAxis(*y, Qt::AlignLeft);
              auto *view = new QChartView(chart, this);
              view->setObjectName(objectName);
              view->setAccessibleName(title);
              view->setRenderHint(QPainter::Antialiasing, false);
              view->setMinimumHeight(fontMetrics().height() * 14);
              return view;
          };

    m_poolView = makeChart(tr("Pool usage"), QStringLiteral("poolChart"), &m_poolAxis, tr("connections"));
    QChart *pool = m_poolView->chart();
    m_active = addSeries(pool, tr("active"), m_timeAxes.last(), m_poolAxis);
    m_idle = addSeries(pool, tr("idle"), m_timeAxes.last(), m_poolAxis);
    m_waiting = addSeries(pool, tr("waiting"), m_timeAxes.last(), m_poolAxis);
    m_max = addSeries(pool, tr("maximum"), m_timeAxes.last(), m_poolAxis, Qt::DashLine);

    m_latencyView = makeChart(tr("Query latency"), QStringLiteral("latencyChart"), &m_latencyAxis, tr("ms"));
    m_avg = addSeries(m_latencyView->chart(), tr("average"), m_timeAxes.last(), m_latencyAxis);
    m_p95 = addSeries(m_latencyView->chart(), tr("95th percentile"), m_timeAxes.last(), m_latencyAxis);

    m_errorView = makeChart(tr("Error rate"), QStringLiteral("errorChart"), &m_errorAxis, tr("%"));
    m_errors = addSeries(m_errorView->chart(), tr("errors"), m_timeAxes.last(), m_errorAxis);

    m_memoryView = makeChart(tr("Memory"), QStringLiteral("memoryChart"), &m_rssAxis, tr("MiB"));
    m_rss = addSeries(m_memoryView->chart(), tr("process RSS (MiB)"), m_timeAxes.last(), m_rssAxis);
    auto *percent = new QValueAxis(m_memoryView->chart());
    percent->setRange(0, 100);
    percent->setTitleText(tr("system used %"));
    percent->setLabelFormat(QStringLiteral("%.0f"));
    m_memoryView->chart()->addAxis(percent, Qt::AlignRight);
    m_system = addSeries(m_memoryView->chart(), tr("system used (%)"), m_timeAxes.last(), percent);

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_poolView, 0, 0);
    grid->addWidget(m_latencyView, 0, 1);
    grid->addWidget(m_errorView, 1, 0);
    grid->addWidget(m_memoryView, 1, 1);
}

void DiagnosticsCharts::refresh(const HealthHistory &history, int windowSeconds)
{
    using M = HealthHistory::Metric;
    const auto latest = history.latest();
    const QDateTime end = latest ? latest->at : QDateTime::currentDateTimeUtc();
    for (QDateTimeAxis *x : std::as_const(m_timeAxes))
        x->setRange(end.addSecs(-windowSeconds).toLocalTime(), end.toLocalTime());

    const QList<QPointF> max = history.series(M::Max, windowSeconds);
    m_active->replace(history.series(M::Active, windowSeconds));
    m_idle->replace(history.series(M::Idle, windowSeconds));
    const QList<QPointF> waiting = history.series(M::Waiting, windowSeconds);
    m_waiting->replace(waiting);
    m_max->replace(max);
    m_poolAxis->setRange(0, std::ceil(std::max(maxOf(max, 1), maxOf(waiting, 1)) * 1.1));
    m_poolAxis->applyNiceNumbers(); // ticks on round values

    const QList<QPointF> p95 = history.series(M::P95Ms, windowSeconds);
    const QList<QPointF> avg = history.series(M::AvgMs, windowSeconds);
    m_avg->replace(avg);
    m_p95->replace(p95);
    m_latencyAxis->setRange(0, std::ceil(std::max(maxOf(p95, 10), maxOf(avg, 10)) * 1.1));
    m_latencyAxis->applyNiceNumbers(); // ticks on round values

    const QList<QPointF> errors = history.series(M::ErrorRatePct, windowSeconds);
    m_errors->replace(errors);
    m_errorAxis->setRange(0, std::ceil(maxOf(errors, 5) * 1.1));
    m_errorAxis->applyNiceNumbers(); // ticks on round values

    const QList<QPointF> rss = history.series(M::RssMiB, windowSeconds);
    m_rss->replace(rss);
    m_rssAxis->setRange(0, std::ceil(maxOf(rss, 10) * 1.2));
    m_rssAxis->applyNiceNumbers(); // ticks on round values
    m_system->replace(history.series(M::SystemUsedPct, windowSeconds));
}

int DiagnosticsCharts::plottedPoints() const
{
    return int(m_active->count());
}
