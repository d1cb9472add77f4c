#pragma once

#include <QList>

#include <optional>

// The median of values; 0 for none.
double median(QList<double> values);

// A comparison measured in alternated rounds (pool, baseline, pool,
// baseline, …): each round one rate per side and their ratio. The reported
// ratio is the median of the rounds' ratios, so a neighbour's burst on a
// shared machine spoils one round, not the figure; min, max and every round's
// value show how far the figure can be trusted.
class Rounds
{
public:
    // A round whose baseline could not run (pgbench failed) has no ratio.
    void add(double pool, std::optional<double> baseline);

    int size() const { return int(m_pool.size()); }
    const QList<double> &pool() const { return m_pool; }
    const QList<std::optional<double>> &baseline() const { return m_baseline; }
    // pool / baseline per round, empty where the baseline did not run or was 0.
    QList<std::optional<double>> ratios() const;

    double poolMedian() const { return median(m_pool); }
    std::optional<double> baselineMedian() const;
    std::optional<double> ratio() const; // median of the rounds that have one
    std::optional<double> minRatio() const;
    std::optional<double> maxRatio() const;

private:
    QList<double> presentRatios() const;

    QList<double> m_pool;
    QList<std::optional<double>> m_baseline;
};
