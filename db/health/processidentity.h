#pragma once

#include <QDateTime>
#include <QString>

// Which process a health snapshot belongs to. (host, pid, started_at) stays
// unique when the operating system reuses a pid after a restart.
struct ProcessIdentity
{
    QString program;
    QString host;
    qint64 pid = 0;
    QDateTime startedAt; // UTC, whole milliseconds (what the database round-trips)
    // Which one of a program that runs several times over: a kiosk's name
    // (program carwash-kiosk). Empty for the others.
    QString label;

    // This process, started now (the first call fixes the start time).
    static ProcessIdentity current(const QString &program, const QString &label = {});

    // This machine's name as process_health records it ("localhost" when
    // the system gives none).
    static QString hostName();

    // "host:pid:startedAt", stable for use as a key in lists and pickers.
    QString key() const;
    bool operator==(const ProcessIdentity &other) const
    {
        return host == other.host && pid == other.pid && startedAt == other.startedAt;
    }
};
