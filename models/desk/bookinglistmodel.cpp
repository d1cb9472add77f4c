#include "models/desk/bookinglistmodel.h"

#include "db/bookings/bookingrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"

BookingListModel::BookingListModel(ConnectionPool &pool, QObject *parent)
    : QAbstractListModel(parent)
    , m_pool(pool)
{ }

int BookingListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_bookings.size());
}

QVariant BookingListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Booking &b = m_bookings.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case CodeRole:
        return b.code;
    case IdRole:
        return b.id;
    case StatusRole:
        return b.status;
    case BayIdRole:
        return b.bay.id;
    case BayNameRole:
        return b.bay.name;
    case StartRole:
        return b.start;
    case EndRole:
        return b.end;
    case BlockedUntilRole:
        return b.blockedUntil;
    case ServiceIdRole:
        return b.serviceId;
    case ServiceNameRole:
        return b.serviceName;
    case VehicleClassRole:
        return b.vehicleClass;
    case PlateRole:
        return b.plate;
    case CustomerNameRole:
        return b.customerName;
    case PriceCentsRole:
        return b.priceCents;
    case CurrencyRole:
        return b.currency;
    default:
        return {};
    }
}

QHash<int, QByteArray> BookingListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(CodeRole, "code");
    names.insert(StatusRole, "status");
    names.insert(BayIdRole, "bayId");
    names.insert(BayNameRole, "bayName");
    names.insert(StartRole, "start");
    names.insert(EndRole, "end");
    names.insert(BlockedUntilRole, "blockedUntil");
    names.insert(ServiceIdRole, "serviceId");
    names.insert(ServiceNameRole, "serviceName");
    names.insert(VehicleClassRole, "vehicleClass");
    names.insert(PlateRole, "plate");
    names.insert(CustomerNameRole, "customerName");
    names.insert(PriceCentsRole, "priceCents");
    names.insert(CurrencyRole, "currency");
    return names;
}

Booking BookingListModel::booking(int row) const
{
    return row >= 0 && row < m_bookings.size() ? m_bookings.at(row) : Booking();
}

void BookingListModel::setDate(const QDate &date)
{
    if (date == m_date)
        return;
    m_date = date;
    // Another day's rows must not show under this date while it loads.
    beginResetModel();
    m_bookings.clear();
    endResetModel();
    emit dateChanged(m_date);
    refresh();
}

void BookingListModel::refresh()
{
    const quint64 generation = ++m_generation;
    if (!m_date.isValid()) {
        setLoading(false);
        return;
    }
    setLoading(true);
    const QDate date = m_date;
    Async::onResult(m_pool.withConnection(QStringLiteral("models.bookings"),
                                          [date](QSqlDatabase &db) { return BookingRepo(db).forDay(date); }),
                    this, [this, generation](DbResult<QList<Booking>> result) {
                        if (generation != m_generation)
                            return; // the date changed or a newer refresh is under way
                        if (result.ok()) {
                            beginResetModel();
                            m_bookings = std::move(result.value());
                            endResetModel();
                            setError({});
                        } else {
                            setError(result.error().message());
                        }
                        setLoading(false);
                        emit refreshed();
                    });
}

void BookingListModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    emit loadingChanged(m_loading);
}

void BookingListModel::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    emit errorChanged(m_error);
}
