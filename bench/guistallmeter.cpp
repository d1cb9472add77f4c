#include "bench/guistallmeter.h"

#include <algorithm>
#include <cmath>

GuiStallMeter::GuiStallMeter(QObject *parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &GuiStallMeter::tick);
}

void GuiStallMeter::start()
{
    m_histogram.fill(0);
    m_counts.clear();
    m_maxMs.clear();
    m_maxNs = 0;
    m_ticks = 0;
    m_clock.start();
    m_last = m_clock.nsecsElapsed();
    m_timer.start();
}

void GuiStallMeter::stop()
{
    m_timer.stop();
}

void GuiStallMeter::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 stallNs = std::max<qint64>(0, now - m_last - qint64(IntervalMs) * 1000000);
    m_last = now;
    ++m_ticks;
    m_maxNs = std::max(m_maxNs, stallNs);
    const qint64 bucket = stallNs * BucketsPerMs / 1000000;
    ++m_histogram[std::size_t(std::min<qint64>(bucket, Buckets - 1))];
    if (m_context && m_attributeNs > 0 && stallNs >= m_attributeNs) {
        const QString context = m_context();
        ++m_counts[context];
        m_maxMs[context] = std::max(m_maxMs.value(context), stallNs / 1e6);
    }
}

void GuiStallMeter::attribute(double milliseconds, std::function<QString()> context)
{
    m_attributeNs = qint64(milliseconds * 1e6);
    m_context = std::move(context);
}

double GuiStallMeter::percentileMs(double fraction) const
{
    if (m_ticks == 0)
        return 0;
    const qint64 rank = qint64(std::ceil(fraction * double(m_ticks)));
    qint64 seen = 0;
    for (int bucket = 0; bucket < Buckets; ++bucket) {
        seen += m_histogram[std::size_t(bucket)];
        if (seen >= rank)
            return std::min(double(bucket + 1) / BucketsPerMs, maxMs());
    }
    return maxMs();
}

qint64 GuiStallMeter::over(double milliseconds) const
{
    const int first = std::clamp(int(std::ceil(milliseconds * BucketsPerMs)), 0, Buckets - 1);
    qint64 count = 0;
    for (int bucket = first; bucket < Buckets; ++bucket)
        count += m_histogram[std::size_t(bucket)];
    return count;
}
