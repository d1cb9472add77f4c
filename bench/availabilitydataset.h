#pragma once

#include <QDate>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <functional>

// What AvailabilityDataset::generate() made: ids and the days the
// benchmark samples and books on.
struct AvailabilityDataset
{
    static constexpr int BayCount = 20;
    // Per bay and day, one booking every 35 minutes from 07:00 to 21:00
    // (services of 10 to 30 minutes plus the 5-minute buffer fit in 35, so
    // a bay's bookings never overlap and the gaps leave free slots).
    static constexpr int BookingsPerBayDay = 24;
    static constexpr int OpensHour = 7;
    static constexpr int ClosesHour = 21;
    static constexpr int BufferMinutes = 5;
    static constexpr int HorizonDays = 60;

    qint64 bookings = 0;
    int customers = 0;
    QList<qint64> bayIds; // consecutive, in order
    QList<qint64> serviceIds; // consecutive; every bay offers every one
    qint64 addonId = 0; // allowed with every service
    QDate today; // the site's (UTC) date when generated
    int futureDays = 0; // days today..today+futureDays-1 carry booking history
    int historyDays = 0; // all days with bookings, past and future
    double seconds = 0; // how long generating took

    // Days with bookings within the booking horizon: what availability is asked for.
    QDate firstBookedDay() const { return today; }
    QDate lastBookedDay() const { return today.addDays(futureDays - 1); }
    // Days after those, inside the horizon and free of history: where the
    // booking benchmark books, so it never collides with the history.
    QDate firstFreeDay() const { return today.addDays(futureDays + 1); }
    QDate lastFreeDay() const { return today.addDays(HorizonDays - 1); }

    // Fills a fresh database (migrated here): a catalogue of 20 bays all
    // offering four washes, every day open 07:00-21:00 in UTC, customers
    // with one vehicle each (plates CW100001...), then `bookings` bookings
    // spread over past days and the coming weeks with a realistic mix of
    // statuses, in a few set-based statements, then VACUUM ANALYZE. Progress
    // goes to `progress`. Blocking; throws DbException.
    static AvailabilityDataset generate(QSqlDatabase &db, qint64 bookings,
                                        const std::function<void(const QString &)> &progress);

    // The plate and name of generated customer `number` (1-based).
    static QString plate(int number) { return QStringLiteral("CW%1").arg(100000 + number); }
    static QString customerName(int number) { return QStringLiteral("Customer %1").arg(number); }
};
