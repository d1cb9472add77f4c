#pragma once

#include "db/bookings/bookingrequest.h"

#include <QDate>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QStringList>

// The real booking transaction, BookingRepo::create, on both sides of the
// comparison: through the pool with random requests, and as a pgbench
// script sending the same statements with the same kind of values. Requests
// take a random bay, service, day and 15-minute start in a range of days
// free of history; 70 % come from a known customer (plate CW1xxxxx), the
// rest from a new one (plate CW + 8 digits); 20 % add an add-on; every one
// carries an idempotency key, as desks and kiosks send. Rows it makes are
// marked with the actor "carwash-bench"; removeRows() deletes its bookings.
namespace BookingTransaction {

struct Plan
{
    qint64 firstBayId = 0;
    int bayCount = 0;
    qint64 firstServiceId = 0;
    int serviceCount = 0;
    qint64 addonId = 0;
    QDate firstDay; // UTC days, the site's zone being UTC
    QDate lastDay;
    int customers = 0;
    int opensHour = 7;
    int startSlots = 53; // 15-minute starts from opening: 07:00 ... 20:00
};

inline const QString Actor = QStringLiteral("carwash-bench");

BookingRequest randomRequest(const Plan &plan, QRandomGenerator &random);

// The statements with bind values that BookingRepo::create sends (the SQL
// text with '?' for each value), copied here for pgbench.
QStringList statementTemplates();
// BookingRepo::byId's statement among them (the webhook benchmark's
// transaction reads the booking with it too).
QString selectByIdStatement();

// Empty when every statement with bind values that a recorded create ran
// (Sql::StatementRecorder) is one of statementTemplates(), and each
// template was seen; otherwise which statement differs, for the pgbench
// script would no longer be the same SQL.
QString differences(const QStringList &recorded);

// The pgbench script (simple protocol, \gset/\aset for the ids a statement
// returns, \if for the branches create takes).
QString pgbenchScript(const Plan &plan);

// Deletes every booking and audit row the benchmark made, so each side
// starts from the same bookings. Blocking; throws DbException.
void removeRows(QSqlDatabase &db);

} // namespace BookingTransaction
