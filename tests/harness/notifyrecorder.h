#pragma once

#include "db/config/databaseconfig.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

// A server's or a desk's LISTEN as a test hears it, apart from the
// product's NotificationListener (so a test of what is sent does not rest
// on it): a connection of the test thread's own to config's database,
// subscribed to channels, keeping every payload in the order it arrived.
// Notifications are delivered while the test turns the event loop
// (QTRY_*). Closed and removed when destroyed.
class NotifyRecorder
{
public:
    NotifyRecorder(const DatabaseConfig &config, const QStringList &channels);
    ~NotifyRecorder();
    NotifyRecorder(const NotifyRecorder &) = delete;
    NotifyRecorder &operator=(const NotifyRecorder &) = delete;

    // Open and subscribed to every channel.
    bool isListening() const { return m_listening; }
    // What channel carried, oldest first.
    QStringList payloads(const QString &channel) const;

private:
    QString m_connection;
    bool m_listening = false;
    QList<QPair<QString, QString>> m_received; // channel, payload
};
