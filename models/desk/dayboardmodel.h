#pragma once

#include "db/bookings/booking.h"
#include "db/bookings/paymentbadge.h"
#include "db/calendar/closure.h"
#include "db/catalogue/bayref.h"
#include "db/pool/dberror.h"

#include <QAbstractListModel>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QTimeZone>

#include <optional>

class ConnectionPool;
class QSqlDatabase;

// The desk's board for one site-local day: one row per bay, each with its
// bookings (blocks) and the free intervals left of the opening hours. Lives
// on the GUI thread; refresh() returns at once and the rows arrive later
// from one pool unit of work running one statement (one snapshot, however
// many bays and services); a result for an older date or refresh is
// dropped. The pool must outlive the model.
class DayBoardModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QDate date READ date WRITE setDate NOTIFY dateChanged)
public:
    // A booking as the board draws it.
    struct Block
    {
        qint64 id = 0;
        QString code;
        QString status;
        QDateTime start;
        QDateTime end;
        QDateTime blockedUntil;
        QString plate;
        QString service;
        QString vehicleClass;
        QString customerName;
        qint64 priceCents = 0;
        QString currency;
        QDateTime holdExpiresAt; // invalid unless held
        PaymentBadge payment; // the money at a glance
    };
    struct Interval
    {
        QDateTime start;
        QDateTime end;
    };
    // One bay's row. free: the opening periods of the day minus the busy
    // time ([start, blockedUntil) of every active booking, held ones only
    // until their hold expires); empty when the site is closed.
    struct Lane
    {
        BayRef bay;
        QList<Block> blocks; // by start
        QList<Interval> free; // by start
    };
    // What one refresh loads.
    struct Day
    {
        QDate date;
        QTimeZone timeZone;
        QList<Interval> openPeriods; // the day's opening hours as instants
        std::optional<Closure> closure; // the closure covering the day
        QList<Lane> lanes;
        int slotMinutes = 15; // the booking grid's step
        // Where a new booking may start: SlotPlanner's grid for the day, by start.
        QList<QDateTime> starts;
        QString currency; // the site's (billing.currency)
        QDateTime now; // the database's clock when the day was read
    };
    // What the day adds up to: the bookings that still count (not
    // cancelled, no-show or expired) and their prices.
    struct Totals
    {
        int cars = 0;
        qint64 revenueCents = 0;
        QString currency;
        bool operator==(const Totals &other) const = default;
    };

    explicit DayBoardModel(ConnectionPool &pool, QObject *parent = nullptr);

    // One row per lane; a row's display text is its bay's name. The view
    // reads lane() and day() rather than item data.
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    Lane lane(int row) const;
    // The whole loaded day (date, zone, hours, closure, lanes).
    const Day &day() const { return m_day; }
    bool isClosed() const { return m_day.closure.has_value(); }
    bool isLoading() const { return m_loading; }
    // The last refresh's failure (message for people); empty after a
    // success. The rows loaded before stay meanwhile.
    QString error() const { return m_error; }
    DbError lastError() const { return m_lastError; }
    // When rows were last applied (this machine's clock); invalid before.
    QDateTime loadedAt() const { return m_loadedAt; }
    Totals totals() const { return totalsOf(m_day); }
    // Whether a booking in status counts for the day's cars and revenue.
    static bool counts(const QString &status);
    static Totals totalsOf(const Day &day);
    QDate date() const { return m_date; }
    // Empties the board and reloads for the new day.
    void setDate(const QDate &date);
    // Empties the board and loads the site-local day that holds instant
    // (the site's today, for now) when the site's zone is not known yet;
    // date() is invalid until that day arrives, then dateChanged says it.
    void setDayOf(const QDateTime &instant);

    // What refresh() runs on a pooled connection: the day read in one
    // statement (DaySnapshotRepo) and laid out. Blocking; any thread.
    static Day read(QSqlDatabase &db, const QDate &date);
    // The same for the site-local day holding instant.
    static Day readDayOf(QSqlDatabase &db, const QDateTime &instant);

    // Pure: the lanes of a day from its bays, bookings and opening periods.
    // Bays with a booking but not in bays are appended. Any thread.
    static QList<Lane> buildLanes(const QList<BayRef> &bays, const QList<Booking> &bookings,
                                  const QList<Interval> &openPeriods, const QDateTime &now);

public slots:
    // Loads the shown day again. While a load for it is under way, one more
    // follows when it ends (a change may have come after it read) instead of
    // a second query piling on a slow or stuck one.
    void refresh();

signals:
    void loadingChanged(bool loading);
    void errorChanged(const QString &error);
    void dateChanged(const QDate &date);
    // After a result (rows or error) was applied.
    void refreshed();

private:
    void load();
    void setLoading(bool loading);
    void setError(const DbError &error);

    ConnectionPool &m_pool;
    QDate m_date;
    QDateTime m_dayOf; // while m_date is not known yet (setDayOf)
    Day m_day;
    QString m_error;
    DbError m_lastError;
    QDateTime m_loadedAt;
    bool m_loading = false;
    bool m_refreshPending = false;
    quint64 m_generation = 0;
};
