#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

// The words people read for the booking engine's stored names: statuses,
// vehicle classes, payment methods, audit actions and a forgotten customer. Translated; unknown
// names come back as they are.
class BookingWords
{
    Q_DECLARE_TR_FUNCTIONS(BookingWords)
public:
    static QString status(const QString &status);
    static QString vehicleClass(const QString &vehicleClass);
    // A customer's stored name as people read it: a forgotten customer's
    // placeholder (CustomerEraser::ErasedName, stored in English) in their
    // language; any other name as it is.
    static QString customerName(const QString &storedName);
    // Several in one line for a sentence: "Checked in, Cancelled".
    static QString statuses(const QStringList &statuses);
    static QString vehicleClasses(const QStringList &vehicleClasses);
    static QString paymentMethod(const QString &method);
    // A payment's status in a sentence: "waiting to be paid", "refunded".
    static QString paymentStatus(const QString &status);
    // One line for an audit row of a booking: "Checked in", "Cancelled: no
    // time today", "Moved from 10:00 on Lane 1", "Paid $45.00 in cash".
    static QString auditAction(const QString &action, const QJsonObject &details);
    // "8.25 %" in the display locale.
    static QString taxRate(int basisPoints);
};
