#pragma once

#include "models/manager/healthhistory.h"

#include <QWidget>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

// The four live charts of the diagnostics screen: pool usage (active, idle,
// waiting, with the maximum as a dashed line), query latency (average and
// p95), error rate, and memory (process RSS and system used %). refresh()
// replaces each series from the history in one go (no per-point signals).
class DiagnosticsCharts : public QWidget
{
    Q_OBJECT
public:
    explicit DiagnosticsCharts(QWidget *parent = nullptr);

    void refresh(const HealthHistory &history, int windowSeconds);

    QChartView *poolChart() const { return m_poolView; }
    QChartView *latencyChart() const { return m_latencyView; }
    QChartView *errorChart() const { return m_errorView; }
    QChartView *memoryChart() const { return m_memoryView; }
    // Points in the pool chart's "active" series, for tests.
    int plottedPoints() const;

private:
    QChartView *m_poolView = nullptr;
    QChartView *m_latencyView = nullptr;
    QChartView *m_errorView = nullptr;
    QChartView *m_memoryView = nullptr;
    QList<QDateTimeAxis *> m_timeAxes;
    QLineSeries *m_active = nullptr;
    QLineSeries *m_idle = nullptr;
    QLineSeries *m_waiting = nullptr;
    QLineSeries *m_max = nullptr;
    QValueAxis *m_poolAxis = nullptr;
    QLineSeries *m_avg = nullptr;
    QLineSeries *m_p95 = nullptr;
    QValueAxis *m_latencyAxis = nullptr;
    QLineSeries *m_errors = nullptr;
    QValueAxis *m_errorAxis = nullptr;
    QLineSeries *m_rss = nullptr;
    QValueAxis *m_rssAxis = nullptr;
    QLineSeries *m_system = nullptr;
};
