#include "db/payments/takingsrepo.h"

#include "db/availability/slotplanner.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/sql.h"
#include "db/text/isotime.h"

#include <QSqlQuery>

namespace {

CurrencyTakings &entryFor(DayTakings &day, const QString &currency)
{
    for (CurrencyTakings &c : day.currencies) {
        if (c.currency == currency)
            return c;
    }
    day.currencies.append(CurrencyTakings {currency, {}, {}});
    return day.currencies.last();
}

} // namespace

TakingsRepo::TakingsRepo(QSqlDatabase &db)
    : m_db(db)
{ }

DayTakings TakingsRepo::forDay(const QDate &date)
{
    const SiteSettings settings = SettingsRepo(m_db).load();
    DayTakings day;
    day.date = date;
    day.timeZone = settings.timeZone;
    day.siteName = settings.siteName;
    day.from = SlotPlanner::localInstantAtOrAfter(date, 0, settings.timeZone);
    day.to = SlotPlanner::localInstantAtOrAfter(date.addDays(1), 0, settings.timeZone);
    day.currencies.append(CurrencyTakings {settings.currency, {}, {}});

    // Money taken: every payment that succeeded in the day, also one
    // refunded since (its refund counts on the day it was given back).
    QSqlQuery taken = Sql::exec(
        m_db,
        QStringLiteral("SELECT currency, method = 'cash', count(*)::int, sum(amount_cents)::bigint, "
                       "sum(CASE WHEN coalesce(gross_cents, 0) > 0 "
                       "THEN round(tax_cents::numeric * amount_cents / gross_cents) ELSE 0 END)::bigint "
                       "FROM payments WHERE paid_at >= ?::timestamptz AND paid_at < ?::timestamptz "
                       "AND status IN ('succeeded', 'refunded') GROUP BY 1, 2 ORDER BY 1, 2"),
        {IsoTime::toSql(day.from), IsoTime::toSql(day.to)});
    while (taken.next()) {
        CurrencyTakings &c = entryFor(day, taken.value(0).toString());
        MethodTakings &m = taken.value(1).toBool() ? c.cash : c.card;
        m.payments = taken.value(2).toInt();
        m.takenCents = taken.value(3).toLongLong();
        m.taxCents = taken.value(4).toLongLong();
    }
    QSqlQuery refunded = Sql::exec(
        m_db,
        QStringLiteral("SELECT currency, method = 'cash', count(*)::int, sum(amount_cents)::bigint "
                       "FROM refunds WHERE succeeded_at >= ?::timestamptz "
                       "AND succeeded_at < ?::timestamptz AND status = 'succeeded' "
                       "GROUP BY 1, 2 ORDER BY 1, 2"),
        {IsoTime::toSql(day.from), IsoTime::toSql(day.to)});
    while (refunded.next()) {
        CurrencyTakings &c = entryFor(day, refunded.value(0).toString());
        MethodTakings &m = refunded.value(1).toBool() ? c.cash : c.card;
        m.refunds = refunded.value(2).toInt();
        m.refundedCents = refunded.value(3).toLongLong();
    }
    return day;
}
