#include "ui/common/databasehealthwatcher.h"

#include "db/health/healthreport.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"

#include <QJsonObject>
#include <QLocale>
#include <QSettings>

#include <cmath>

DatabaseHealthWatcher::DatabaseHealthWatcher(ConnectionPool &pool, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
{
    QSettings settings;
    bool ok = false;
    double seconds = settings.value(settingsKey(), DefaultSeconds).toDouble(&ok);
    if (!ok || !std::isfinite(seconds) || seconds <= 0)
        seconds = DefaultSeconds;
    setInterval(int(std::lround(std::clamp(seconds, 0.05, 600.0) * 1000)));
    connect(&m_timer, &QTimer::timeout, this, &DatabaseHealthWatcher::checkNow);
    m_summary = tr("Checking the database…");
}

void DatabaseHealthWatcher::setInterval(int milliseconds)
{
    m_timer.setInterval(std::max(10, milliseconds));
}

void DatabaseHealthWatcher::start()
{
    m_timer.start();
    checkNow();
}

void DatabaseHealthWatcher::stop()
{
    m_timer.stop();
}

void DatabaseHealthWatcher::checkNow()
{
    if (m_checking)
        return;
    m_checking = true;
    Async::onResult(HealthReport::check(m_pool), this, [this](const HealthReport &report) {
        m_checking = false;
        apply(report);
    });
}

void DatabaseHealthWatcher::apply(const HealthReport &report)
{
    const QJsonObject json = report.toJson();
    const QJsonObject database = json.value(u"database").toObject();
    const QJsonObject pool = json.value(u"pool").toObject();
    const QJsonObject queries = json.value(u"queries").toObject();
    const bool reachable = database.value(u"reachable").toBool();
    const QLocale locale = DisplayLocale::get();

    State state = State::Healthy;
    QStringList lines;
    if (!reachable) {
        const int active = pool.value(u"active").toInt();
        const int max = pool.value(u"max").toInt();
        if (max > 0 && active >= max) {
            // Every connection is taken, so the probe could not get one:
            // the database is busy, not gone.
            state = State::Degraded;
            lines << tr("Database busy: all %1 connections are in use.").arg(max);
        } else {
            state = State::Unavailable;
            lines << tr("Database unavailable: %1").arg(database.value(u"error").toString());
        }
        lines << tr("Checking again every %1 s.").arg(locale.toString(m_timer.interval() / 1000.0, 'g', 3));
        if (m_lastHealthy.isValid())
            lines
                << tr("Last reached at %1.").arg(locale.toString(m_lastHealthy.time(), QLocale::ShortFormat));
    } else {
        if (report.status() != HealthReport::Status::Healthy)
            state = State::Degraded;
        m_lastHealthy = QDateTime::currentDateTime();
        lines << tr("Database connected (PostgreSQL %1), answered in %2 ms.")
                     .arg(database.value(u"server_version").toString(),
                          locale.toString(database.value(u"latency_ms").toDouble(), 'f', 0));
        lines << tr("Connections in use: %1 of %2.")
                     .arg(pool.value(u"active").toInt())
                     .arg(pool.value(u"max").toInt());
        lines << tr("Average query: %1 ms; errors: %2 %.")
                     .arg(locale.toString(queries.value(u"avg_ms").toDouble(), 'f', 1),
                          locale.toString(queries.value(u"error_rate_pct").toDouble(), 'f', 1));
        // The alerts are the runbook's own words (English, as in the logs).
        for (const QString &alert : report.alerts())
            lines << tr("Alert: %1").arg(alert);
    }
    m_summary = lines.join(u'\n');
    const bool changed = state != m_state;
    m_state = state;
    if (changed)
        Q_EMIT stateChanged(state);
    Q_EMIT checked(state);
}
