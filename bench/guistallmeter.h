#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <QMap>
#include <QString>

#include <array>
#include <functional>

// How long the GUI thread was kept from its event loop: a precise timer on
// that thread ticks every IntervalMs, and each gap between two ticks beyond
// the interval is a stall. Keeps the longest and a histogram (0.1 ms
// buckets up to 2 s, allocated once, so measuring does not grow the RSS it
// is measured beside) for percentiles. GUI thread only.
class GuiStallMeter : public QObject
{
public:
    static constexpr int IntervalMs = 10;

    explicit GuiStallMeter(QObject *parent = nullptr);

    // Starts afresh: nothing counted before.
    void start();
    void stop();

    double maxMs() const { return m_maxNs / 1e6; }
    // The stall a tick exceeded with probability 1 - fraction (0.99: p99),
    // to the bucket's 0.1 ms; 0 before the first gap.
    double percentileMs(double fraction) const;
    qint64 ticks() const { return m_ticks; }
    // Ticks whose gap went beyond milliseconds.
    qint64 over(double milliseconds) const;

    // Stalls of at least milliseconds are counted by what context() names
    // when the late tick comes (e.g. the screen shown), to say where they happen.
    void attribute(double milliseconds, std::function<QString()> context);
    // Those stalls by context: how many, and the longest.
    QMap<QString, qint64> attributedCounts() const { return m_counts; }
    QMap<QString, double> attributedMaxMs() const { return m_maxMs; }

private:
    static constexpr int BucketsPerMs = 10;
    static constexpr int Buckets = 2000 * BucketsPerMs; // the last holds everything longer

    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_maxNs = 0;
    qint64 m_ticks = 0;
    std::array<qint64, Buckets> m_histogram {};
    qint64 m_attributeNs = 0;
    std::function<QString()> m_context;
    QMap<QString, qint64> m_counts;
    QMap<QString, double> m_maxMs;
};
