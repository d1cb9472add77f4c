#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <utility>

struct LoadResult;

// What every report says about the run itself beside its figures: the
// clients each side had, what failed on which side, pgbench's error, and the
// connections the benchmark's pools left on the server after shutdown. A run
// with a failure, a pgbench error or a connection left is not clean, and its
// verdict says so before anything about targets: its figures do not stand.
class RunSummary
{
public:
    struct Target
    {
        QString figure;
        bool met = false;
    };

    // Declares a side so it is reported, with 0 failures, even if nothing fails.
    void declareSide(const QString &side);
    void setClients(const QString &name, int count);
    void countFailures(const QString &side, const LoadResult &load);
    void countFailures(const QString &side, qint64 count, const QString &firstError);
    void setPgbenchError(const QString &error); // keeps the first
    void markUsesPgbench() { m_usesPgbench = true; }
    void setConnectionsAfterShutdown(int count) { m_connectionsAfterShutdown = count; }

    qint64 totalFailures() const;
    const QString &pgbenchError() const { return m_pgbenchError; }
    int connectionsAfterShutdown() const { return m_connectionsAfterShutdown; }
    // No failure, no pgbench error, no connection left behind.
    bool clean() const;
    QString verdict(const QList<Target> &targets) const;

    // Adds "clients", "failures" ({"total", each side, "first_error"}),
    // "pgbench_error" (when the run uses pgbench), "connections_after_shutdown"
    // and "verdict" ({"clean", "targets_met", "text"}) to report.
    void addTo(QJsonObject &report, const QList<Target> &targets) const;
    // The same for people, a few lines under the table.
    QString text(const QList<Target> &targets) const;

private:
    QList<std::pair<QString, int>> m_clients;
    QList<std::pair<QString, qint64>> m_failures;
    QString m_firstFailure;
    QString m_pgbenchError;
    bool m_usesPgbench = false;
    int m_connectionsAfterShutdown = -1;
};
