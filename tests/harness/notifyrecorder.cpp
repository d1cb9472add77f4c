#include "tests/harness/notifyrecorder.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <atomic>

NotifyRecorder::NotifyRecorder(const DatabaseConfig &config, const QStringList &channels)
{
    static std::atomic<int> next {0};
    m_connection = QStringLiteral("test-notify-recorder-%1").arg(++next);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connection);
    db.setHostName(config.host);
    db.setPort(config.port);
    db.setDatabaseName(config.database);
    db.setUserName(config.user);
    db.setPassword(config.password);
    if (!db.open())
        return;
    QObject::connect(db.driver(), &QSqlDriver::notification, db.driver(),
                     [this](const QString &channel, QSqlDriver::NotificationSource, const QVariant &payload) {
                         m_received.append({channel, payload.toString()});
                     });
    m_listening = true;
    for (const QString &channel : channels)
        m_listening = db.driver()->subscribeToNotification(channel) && m_listening;
}

NotifyRecorder::~NotifyRecorder()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QStringList NotifyRecorder::payloads(const QString &channel) const
{
    QStringList found;
    for (const auto &[from, payload] : m_received) {
        if (from == channel)
            found << payload;
    }
    return found;
}
