#pragma once

#include <QCoreApplication>
#include <QStringList>

// The booking lifecycle: held (kiosk, awaiting payment) → confirmed →
// checked_in → in_progress → completed, or cancelled, no_show, expired.
// Pure rules, any thread; the database checks the same names.
class BookingStatus
{
    Q_DECLARE_TR_FUNCTIONS(BookingStatus)
public:
    static const QStringList &all();
    static bool isKnown(const QString &status);
    // Occupies its bay (the exclusion constraint's statuses). A held booking
    // blocks only until its hold expires.
    static bool isActive(const QString &status);
    // The statuses a booking in `from` may move to, in lifecycle order.
    static QStringList allowedFrom(const QString &from);
    static bool canChange(const QString &from, const QString &to);
    // The SQL list of active statuses, for IN (…).
    static QString activeSqlList();
};
