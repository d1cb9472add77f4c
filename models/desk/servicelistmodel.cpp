#include "models/desk/servicelistmodel.h"

#include "db/catalogue/servicerepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"

ServiceListModel::ServiceListModel(ConnectionPool &pool, QObject *parent)
    : QAbstractListModel(parent)
    , m_pool(pool)
{ }

int ServiceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_services.size());
}

QVariant ServiceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Service &service = m_services.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return service.name;
    case IdRole:
        return service.id;
    case DurationMinutesRole:
        return service.durationMinutes;
    case PriceCentsRole: {
        const auto price = service.prices.constFind(m_vehicleClass);
        return price == service.prices.cend() ? QVariant() : QVariant(*price);
    }
    case CurrencyRole:
        return service.currency;
    default:
        return {};
    }
}

QHash<int, QByteArray> ServiceListModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(IdRole, "id");
    names.insert(NameRole, "name");
    names.insert(DurationMinutesRole, "durationMinutes");
    names.insert(PriceCentsRole, "priceCents");
    names.insert(CurrencyRole, "currency");
    return names;
}

Service ServiceListModel::service(int row) const
{
    return row >= 0 && row < m_services.size() ? m_services.at(row) : Service();
}

void ServiceListModel::setVehicleClass(const QString &vehicleClass)
{
    if (vehicleClass == m_vehicleClass)
        return;
    m_vehicleClass = vehicleClass;
    if (!m_services.isEmpty())
        emit dataChanged(index(0), index(int(m_services.size()) - 1), {PriceCentsRole});
    emit vehicleClassChanged(m_vehicleClass);
}

void ServiceListModel::refresh()
{
    const quint64 generation = ++m_generation;
    setLoading(true);
    Async::onResult(m_pool.withConnection(QStringLiteral("models.services"),
                                          [](QSqlDatabase &db) { return ServiceRepo(db).all(true); }),
                    this, [this, generation](DbResult<QList<Service>> result) {
                        if (generation != m_generation)
                            return; // a newer refresh is under way
                        if (result.ok()) {
                            beginResetModel();
                            m_services = std::move(result.value());
                            endResetModel();
                            setError({});
                        } else {
                            setError(result.error().message());
                        }
                        setLoading(false);
                        emit refreshed();
                    });
}

void ServiceListModel::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    emit loadingChanged(m_loading);
}

void ServiceListModel::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    emit errorChanged(m_error);
}
