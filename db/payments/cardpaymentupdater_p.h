#pragma once

// What CardPaymentUpdater's two source files share: the payment row it
// works on and how absent ids are bound. Not for use outside them.

#include "db/payments/cardpaymentupdater.h"

#include <QMetaType>
#include <QVariant>

namespace CardPayments {

inline const QString Pending = QStringLiteral("pending");
inline const QString Processing = QStringLiteral("processing");
inline const QString Succeeded = QStringLiteral("succeeded");
inline const QString Refunded = QStringLiteral("refunded");

// A bound NULL of text type: "= NULL" matches nothing, as an absent id should.
inline QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

inline QVariant idOrNull(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qint64>());
}

} // namespace CardPayments

struct CardPaymentUpdater::Row
{
    qint64 id = 0;
    qint64 bookingId = 0;
    QString bookingCode;
    QString method;
    QString status;
    qint64 amountCents = 0;
    qint64 grossCents = 0;
    QString currency;
    QString sessionId;
    QString intentId;
    QString readerId;
    QString failureReason;
};
