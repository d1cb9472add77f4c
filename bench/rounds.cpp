#include "bench/rounds.h"

#include <algorithm>

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

void Rounds::add(double pool, std::optional<double> baseline)
{
    m_pool.append(pool);
    m_baseline.append(baseline);
}

QList<std::optional<double>> Rounds::ratios() const
{
    QList<std::optional<double>> out;
    for (qsizetype i = 0; i < m_pool.size(); ++i) {
        const std::optional<double> &b = m_baseline[i];
        out.append(b && *b > 0 ? std::optional<double>(m_pool[i] / *b) : std::nullopt);
    }
    return out;
}

QList<double> Rounds::presentRatios() const
{
    QList<double> out;
    for (const std::optional<double> &r : ratios()) {
        if (r)
            out.append(*r);
    }
    return out;
}

std::optional<double> Rounds::baselineMedian() const
{
    QList<double> present;
    for (const std::optional<double> &b : m_baseline) {
        if (b)
            present.append(*b);
    }
    return present.isEmpty() ? std::nullopt : std::optional<double>(median(present));
}

std::optional<double> Rounds::ratio() const
{
    const QList<double> present = presentRatios();
    return present.isEmpty() ? std::nullopt : std::optional<double>(median(present));
}

std::optional<double> Rounds::minRatio() const
{
    const QList<double> present = presentRatios();
    return present.isEmpty() ? std::nullopt
                             : std::optional<double>(*std::min_element(present.begin(), present.end()));
}

std::optional<double> Rounds::maxRatio() const
{
    const QList<double> present = presentRatios();
    return present.isEmpty() ? std::nullopt
                             : std::optional<double>(*std::max_element(present.begin(), present.end()));
}
