#include "db/payments/daytakings.h"

#include "db/text/decimalinput.h"
#include "db/text/isotime.h"

#include <QJsonArray>

MethodTakings &MethodTakings::operator+=(const MethodTakings &other)
{
    payments += other.payments;
    takenCents += other.takenCents;
    taxCents += other.taxCents;
    refunds += other.refunds;
    refundedCents += other.refundedCents;
    return *this;
}

QJsonObject MethodTakings::toJson() const
{
    return {{QStringLiteral("payments"), payments},
            {QStringLiteral("taken_cents"), takenCents},
            {QStringLiteral("tax_cents"), taxCents},
            {QStringLiteral("refunds"), refunds},
            {QStringLiteral("refunded_cents"), refundedCents},
            {QStringLiteral("net_cents"), netCents()}};
}

QJsonObject DayTakings::toJson() const
{
    QJsonArray list;
    for (const CurrencyTakings &c : currencies)
        list.append(QJsonObject {{QStringLiteral("currency"), c.currency},
                                 {QStringLiteral("cash"), c.cash.toJson()},
                                 {QStringLiteral("card"), c.card.toJson()},
                                 {QStringLiteral("total"), c.total().toJson()}});
    return {{QStringLiteral("date"), date.toString(Qt::ISODate)},
            {QStringLiteral("time_zone"), QString::fromUtf8(timeZone.id())},
            {QStringLiteral("from"), IsoTime::format(from)},
            {QStringLiteral("to"), IsoTime::format(to)},
            {QStringLiteral("site"), siteName},
            {QStringLiteral("currency"), currencies.isEmpty() ? QString() : currencies.first().currency},
            {QStringLiteral("currencies"), list}};
}

QString DayTakings::csvField(const QString &text)
{
    static const QString special = QStringLiteral(",\"\r\n");
    bool quote = false;
    for (const QChar c : text)
        quote = quote || special.contains(c);
    if (!quote)
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString DayTakings::toCsv() const
{
    auto amount = [](qint64 cents) { return DecimalInput::text(cents, QLocale::c(), 2); };
    QString csv
        = QStringLiteral("site,date,time_zone,currency,method,payments,taken,tax,refunds,refunded,net\r\n");
    for (const CurrencyTakings &c : currencies) {
        const QList<QPair<QString, MethodTakings>> rows {{QStringLiteral("cash"), c.cash},
                                                         {QStringLiteral("card"), c.card},
                                                         {QStringLiteral("total"), c.total()}};
        for (const auto &[method, t] : rows) {
            const QStringList fields {csvField(siteName),
                                      date.toString(Qt::ISODate),
                                      csvField(QString::fromUtf8(timeZone.id())),
                                      c.currency,
                                      method,
                                      QString::number(t.payments),
                                      amount(t.takenCents),
                                      amount(t.taxCents),
                                      QString::number(t.refunds),
                                      amount(t.refundedCents),
                                      amount(t.netCents())};
            csv += fields.join(QLatin1Char(',')) + QStringLiteral("\r\n");
        }
    }
    return csv;
}
