#include "bench/runsummary.h"

#include "bench/loadgenerator.h"

#include <QStringList>

void RunSummary::declareSide(const QString &side)
{
    countFailures(side, 0, QString());
}

void RunSummary::setClients(const QString &name, int count)
{
    for (auto &entry : m_clients) {
        if (entry.first == name) {
            entry.second = count;
            return;
        }
    }
    m_clients.append({name, count});
}

void RunSummary::countFailures(const QString &side, const LoadResult &load)
{
    countFailures(side, load.failed, load.firstError);
}

void RunSummary::countFailures(const QString &side, qint64 count, const QString &firstError)
{
    if (m_firstFailure.isEmpty() && count > 0)
        m_firstFailure = firstError.isEmpty() ? QStringLiteral("(no message)") : firstError;
    for (auto &entry : m_failures) {
        if (entry.first == side) {
            entry.second += count;
            return;
        }
    }
    m_failures.append({side, count});
}

void RunSummary::setPgbenchError(const QString &error)
{
    m_usesPgbench = true;
    if (m_pgbenchError.isEmpty())
        m_pgbenchError = error;
}

qint64 RunSummary::totalFailures() const
{
    qint64 total = 0;
    for (const auto &entry : m_failures)
        total += entry.second;
    return total;
}

bool RunSummary::clean() const
{
    return totalFailures() == 0 && m_pgbenchError.isEmpty() && m_connectionsAfterShutdown == 0;
}

QString RunSummary::verdict(const QList<Target> &targets) const
{
    QStringList unmet;
    for (const Target &t : targets) {
        if (!t.met)
            unmet << t.figure;
    }
    const QString onTargets = unmet.isEmpty() ? QStringLiteral("every target met")
                                              : QStringLiteral("targets NOT met: ") + unmet.join(u", ");
    if (clean())
        return QStringLiteral("clean run; ") + onTargets;

    QStringList problems;
    if (totalFailures() > 0) {
        QStringList sides;
        for (const auto &entry : m_failures) {
            if (entry.second > 0)
                sides << QStringLiteral("%1 %2").arg(entry.first).arg(entry.second);
        }
        problems << QStringLiteral("%1 failure(s) (%2; first: %3)")
                        .arg(totalFailures())
                        .arg(sides.join(u", "), m_firstFailure);
    }
    if (!m_pgbenchError.isEmpty())
        problems << QStringLiteral("pgbench failed: ") + m_pgbenchError;
    if (m_connectionsAfterShutdown != 0)
        problems << (m_connectionsAfterShutdown < 0
                         ? QStringLiteral("the connections left after shutdown were not counted")
                         : QStringLiteral("%1 connection(s) still open after shutdown")
                               .arg(m_connectionsAfterShutdown));
    return QStringLiteral("RUN HAD FAILURES, its figures do not stand: ") + problems.join(u"; ")
        + QStringLiteral(" (") + onTargets + QLatin1Char(')');
}

void RunSummary::addTo(QJsonObject &report, const QList<Target> &targets) const
{
    QJsonObject clients;
    for (const auto &entry : m_clients)
        clients.insert(entry.first, entry.second);
    QJsonObject failures {{QStringLiteral("total"), totalFailures()},
                          {QStringLiteral("first_error"),
                           m_firstFailure.isEmpty() ? QJsonValue() : QJsonValue(m_firstFailure)}};
    for (const auto &entry : m_failures)
        failures.insert(entry.first, entry.second);
    bool targetsMet = true;
    for (const Target &t : targets)
        targetsMet = targetsMet && t.met;

    report.insert(QStringLiteral("clients"), clients);
    report.insert(QStringLiteral("failures"), failures);
    if (m_usesPgbench)
        report.insert(QStringLiteral("pgbench_error"),
                      m_pgbenchError.isEmpty() ? QJsonValue() : QJsonValue(m_pgbenchError));
    report.insert(QStringLiteral("connections_after_shutdown"), m_connectionsAfterShutdown);
    report.insert(QStringLiteral("verdict"),
                  QJsonObject {{QStringLiteral("clean"), clean()},
                               {QStringLiteral("targets_met"), targetsMet},
                               {QStringLiteral("text"), verdict(targets)}});
}

QString RunSummary::text(const QList<Target> &targets) const
{
    QStringList clients;
    for (const auto &entry : m_clients)
        clients << QStringLiteral("%1 %2").arg(entry.first).arg(entry.second);
    QStringList failures;
    for (const auto &entry : m_failures)
        failures << QStringLiteral("%1 %2").arg(entry.first).arg(entry.second);
    QString out = QStringLiteral("clients: %1\n").arg(clients.join(u", "));
    out += QStringLiteral("failures: %1 (%2)\n").arg(totalFailures()).arg(failures.join(u", "));
    if (!m_firstFailure.isEmpty())
        out += QStringLiteral("first failure: %1\n").arg(m_firstFailure);
    if (!m_pgbenchError.isEmpty())
        out += QStringLiteral("pgbench: %1\n").arg(m_pgbenchError);
    out += QStringLiteral("server connections left after shutdown: %1\n").arg(m_connectionsAfterShutdown);
    out += QStringLiteral("verdict: %1\n").arg(verdict(targets));
    return out;
}
