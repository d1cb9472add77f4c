#include "models/desk/dayboardmodel.h"

#include "db/availability/slotplanner.h"
#include "db/bookings/bookingstatus.h"
#include "db/bookings/daysnapshotrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/bookingwords.h"

#include <algorithm>

namespace {

// The board's day from what one statement read: the opening periods as
// instants, the slot grid, the lanes with their free time. Pure.
DayBoardModel::Day layOut(const DaySnapshot &snapshot)
{
    using Day = DayBoardModel::Day;
    const QDate date = snapshot.date;
    Day day;
    day.date = date;
    day.timeZone = snapshot.settings.timeZone;
    day.now = snapshot.now;
    day.slotMinutes = snapshot.settings.slotMinutes;
    day.currency = snapshot.settings.currency;
    for (const Closure &closure : snapshot.closures) {
        if (closure.covers(date)) {
            day.closure = closure;
            break;
        }
    }
    if (!day.closure) {
        for (const OpeningPeriod &period : snapshot.hours) {
            if (period.weekday != date.dayOfWeek())
                continue;
            const QDateTime opens
                = SlotPlanner::localInstantAtOrAfter(date, period.opensMinute * 60, day.timeZone);
            const QDateTime closes
                = SlotPlanner::localInstantAtOrAfter(date, period.closesMinute * 60, day.timeZone);
            if (opens < closes)
                day.openPeriods.append({opens, closes});
        }
        std::sort(day.openPeriods.begin(), day.openPeriods.end(),
                  [](const auto &a, const auto &b) { return a.start < b.start; });
        // Where a booking may start is the slot planner's to say; the board
        // only shows it.
        SlotPlanInput grid;
        grid.date = date;
        grid.timeZone = day.timeZone;
        grid.periods = snapshot.hours;
        grid.slotMinutes = day.slotMinutes;
        day.starts = SlotPlanner(grid).gridStarts();
    }
    day.lanes = DayBoardModel::buildLanes(snapshot.bays, snapshot.bookings, day.openPeriods, snapshot.now);
    for (DayBoardModel::Lane &lane : day.lanes) {
        for (DayBoardModel::Block &block : lane.blocks)
            block.payment = snapshot.payments.value(block.id);
    }
    return day;
}

} // namespace

DayBoardModel::DayBoardModel(ConnectionPool &pool, QObject *parent)
    : QAbstractListModel(parent)
    , m_pool(pool)
{ }

DayBoardModel::Day DayBoardModel::read(QSqlDatabase &db, const QDate &date)
{
    return layOut(DaySnapshotRepo(db).load(date));
}

DayBoardModel::Day DayBoardModel::readDayOf(QSqlDatabase &db, const QDateTime &instant)
{
    return layOut(DaySnapshotRepo(db).loadDayOf(instant));
}

QList<DayBoardModel::Lane> DayBoardModel::buildLanes(const QList<BayRef> &bays,
                                                     const QList<Booking> &bookings,
                                                     const QList<Interval> &openPeriods, const QDateTime &now)
{
    QList<Lane> lanes;
    for (const BayRef &bay : bays)
        lanes.append({bay, {}, {}});
    for (const Booking &booking : bookings) {
        auto lane = std::find_if(lanes.begin(), lanes.end(),
                                 [&booking](const Lane &l) { return l.bay.id == booking.bay.id; });
        if (lane == lanes.end()) {
            lanes.append({booking.bay, {}, {}});
            lane = lanes.end() - 1;
        }
        lane->blocks.append({booking.id, booking.code, booking.status, booking.start, booking.end,
                             booking.blockedUntil, booking.plate, booking.serviceName, booking.vehicleClass,
                             BookingWords::customerName(booking.customerName), booking.priceCents,
                             booking.currency, booking.holdExpiresAt.value_or(QDateTime()), PaymentBadge()});
    }
    for (Lane &lane : lanes) {
        std::sort(lane.blocks.begin(), lane.blocks.end(),
                  [](const Block &a, const Block &b) { return a.start < b.start; });
        QList<Interval> busy;
        for (const Booking &booking : bookings) {
            if (booking.bay.id != lane.bay.id || !BookingStatus::isActive(booking.status))
                continue;
            if (booking.holdExpiresAt && *booking.holdExpiresAt <= now)
                continue; // an expired hold frees its bay
            busy.append({booking.start, booking.blockedUntil});
        }
        std::sort(busy.begin(), busy.end(),
                  [](const Interval &a, const Interval &b) { return a.start < b.start; });
        for (const Interval &open : openPeriods) {
            QDateTime cursor = open.start;
            for (const Interval &taken : std::as_const(busy)) {
                if (taken.end <= cursor || taken.start >= open.end)
                    continue;
                if (taken.start > cursor)
                    lane.free.append({cursor, taken.start});
                cursor = std::max(cursor, taken.end);
            }
            if (cursor < open.end)
                lane.free.append({cursor, open.end});
        }
    }
    return lanes;
}

int DayBoardModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_day.lanes.size());
}

QVariant DayBoardModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || role != Qt::DisplayRole)
        return {};
    return m_day.lanes.at(index.row()).bay.name;
}

DayBoardModel::Lane DayBoardModel::lane(int row) const
{
    return row >= 0 && row < m_day.lanes.size() ? m_day.lanes.at(row) : Lane();
}

void DayBoardModel::setDate(const QDate &date)
{
    m_dayOf = QDateTime();
    if (date == m_date)
        return;
    m_date = date;
    beginResetModel();
    m_day = Day();
    endResetModel();
    emit dateChanged(m_date);
    load();
}

void DayBoardModel::setDayOf(const QDateTime &instant)
{
    m_dayOf = instant;
    const bool hadDate = m_date.isValid();
    m_date = QDate();
    beginResetModel();
    m_day = Day();
    endResetModel();
    if (hadDate)
        emit dateChanged(m_date);
    load();
}

bool DayBoardModel::counts(const QString &status)
{
    return status != u"cancelled" && status != u"no_show" && status != u"expired";
}

DayBoardModel::Totals DayBoardModel::totalsOf(const Day &day)
{
    Totals totals;
    totals.currency = day.currency;
    for (const Lane &lane : day.lanes) {
        for (const Block &block : lane.blocks) {
            if (!counts(block.status))
                continue;
            ++totals.cars;
            totals.revenueCents += block.priceCents;
            if (totals.currency.isEmpty())
                totals.currency = block.currency;
        }
    }
    return totals;
}

void DayBoardModel::refresh()
{
    if (m_loading && (m_date.isValid() || m_dayOf.isValid())) {
        m_refreshPending = true;
        return;
    }
    load();
}

void DayBoardModel::load()
{
    const quint64 generation = ++m_generation;
    m_refreshPending = false;
    if (!m_date.isValid() && !m_dayOf.isValid()) {
        setLoading(false);
        return;
    }
    setLoading(true);
    const QDate date = m_date;
    const QDateTime dayOf = m_dayOf;
    Async::onResult(m_pool.withConnection(QStringLiteral("models.dayboard"),
                                          [date, dayOf](QSqlDatabase &db) {
                                              return date.isValid() ? read(db, date) : readDayOf(db, dayOf);
                                          }),
                    this, [this, generation](DbResult<Day> result) {
                        if (generation != m_generation)
                            return; // the date changed meanwhile
                        if (result.ok()) {
                            const bool dateLearnt = !m_date.isValid();
                            beginResetModel();
                            m_day = std::move(result.value());
                            if (dateLearnt) {
                                m_date = m_day.date;
                                m_dayOf = QDateTime();
                            }
                            endResetModel();
                            if (dateLearnt)
                                emit dateChanged(m_date);
                            m_loadedAt = QDateTime::currentDateTime();
                            setError(DbError());
                        } else {
                            // What was on the board stays: stale, but better than nothing.
                            setError(result.error());
                        }
                        if (m_refreshPending) {
                            emit refreshed();
                            load();
                            return;
                        }
                        setLoading(false);
                        emit refreshed();
                    });
}

void DayBoardModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    emit loadingChanged(m_loading);
}

void DayBoardModel::setError(const DbError &error)
{
    m_lastError = error;
    const QString message = error.isError() ? error.message() : QString();
    if (message == m_error)
        return;
    m_error = message;
    emit errorChanged(m_error);
}
