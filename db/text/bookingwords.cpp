#include "db/text/bookingwords.h"

#include "db/customers/customereraser.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"

#include <QDateTime>

QString BookingWords::status(const QString &status)
{
    if (status == u"held")
        return tr("Held");
    if (status == u"confirmed")
        return tr("Confirmed");
    if (status == u"checked_in")
        return tr("Checked in");
    if (status == u"in_progress")
        return tr("In progress");
    if (status == u"completed")
        return tr("Completed");
    if (status == u"cancelled")
        return tr("Cancelled");
    if (status == u"no_show")
        return tr("No-show");
    if (status == u"expired")
        return tr("Expired");
    return status;
}

QString BookingWords::vehicleClass(const QString &vehicleClass)
{
    if (vehicleClass == u"car")
        return tr("Car");
    if (vehicleClass == u"suv")
        return tr("SUV");
    if (vehicleClass == u"truck")
        return tr("Truck");
    return vehicleClass;
}

QString BookingWords::customerName(const QString &storedName)
{
    return storedName == CustomerEraser::ErasedName ? tr("Erased customer") : storedName;
}

QString BookingWords::statuses(const QStringList &statuses)
{
    QStringList words;
    for (const QString &s : statuses)
        words << status(s);
    return words.join(tr(", "));
}

QString BookingWords::vehicleClasses(const QStringList &vehicleClasses)
{
    QStringList words;
    for (const QString &v : vehicleClasses)
        words << vehicleClass(v);
    return words.join(tr(", "));
}

QString BookingWords::paymentMethod(const QString &method)
{
    if (method == u"cash")
        return tr("Cash");
    if (method == u"card")
        return tr("Card");
    if (method == u"stripe_checkout")
        return tr("Card (online)");
    if (method == u"terminal")
        return tr("Card (reader)");
    return method;
}

QString BookingWords::auditAction(const QString &action, const QJsonObject &details)
{
    if (action == u"booking.create")
        return tr("Booked");
    if (action == u"booking.status") {
        const QString to = status(details.value(QStringLiteral("to")).toString());
        const QString reason = details.value(QStringLiteral("reason")).toString();
        return reason.isEmpty() ? to : tr("%1: %2").arg(to, reason);
    }
    if (action == u"booking.reschedule") {
        const QJsonObject from = details.value(QStringLiteral("from")).toObject();
        const QDateTime start
            = QDateTime::fromString(from.value(QStringLiteral("start")).toString(), Qt::ISODate);
        return tr("Moved from %1 on %2")
            .arg(DisplayLocale::get().toString(start, QLocale::ShortFormat),
                 from.value(QStringLiteral("bay")).toString());
    }
    if (action == u"payment.cash")
        return tr("Paid %1 in cash")
            .arg(Money::format(details.value(QStringLiteral("amount_cents")).toInteger(),
                               details.value(QStringLiteral("currency")).toString()));
    const QString amount = Money::format(details.value(QStringLiteral("amount_cents")).toInteger(),
                                         details.value(QStringLiteral("currency")).toString());
    const QString method = details.value(QStringLiteral("method")).toString();
    if (action == u"payment.card_requested")
        return method == u"terminal" ? tr("%1 asked of the card reader").arg(amount)
                                     : tr("Checkout link asked for %1").arg(amount);
    if (action == u"payment.cancelled")
        return tr("Card payment of %1 cancelled").arg(amount);
    if (action == u"payment.refund") {
        const QString reason = details.value(QStringLiteral("reason")).toString();
        const QString what = method == u"cash" ? tr("Refunded %1 in cash").arg(amount)
                                               : tr("Refund of %1 to the card asked for").arg(amount);
        return reason.isEmpty() ? what : tr("%1: %2").arg(what, reason);
    }
    return action;
}

QString BookingWords::paymentStatus(const QString &status)
{
    if (status == u"pending")
        return tr("waiting to be paid");
    if (status == u"processing")
        return tr("being processed");
    if (status == u"succeeded")
        return tr("paid");
    if (status == u"failed")
        return tr("failed");
    if (status == u"cancelled")
        return tr("cancelled");
    if (status == u"expired")
        return tr("expired");
    if (status == u"refunded")
        return tr("refunded");
    return status;
}

QString BookingWords::taxRate(int basisPoints)
{
    return tr("%1 %").arg(DisplayLocale::get().toString(basisPoints / 100.0, 'g', 6));
}
