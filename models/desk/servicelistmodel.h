#pragma once

#include "db/catalogue/service.h"

#include <QAbstractListModel>
#include <QList>

class ConnectionPool;

// The active catalogue, one row per service in the catalogue's order, with
// the price for a chosen vehicle class. Lives on the GUI thread; refresh()
// returns at once and the rows arrive later from a pool unit of work. The
// pool must outlive the model.
class ServiceListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString vehicleClass READ vehicleClass WRITE setVehicleClass NOTIFY vehicleClassChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1, // qint64
        NameRole, // QString (also Qt::DisplayRole)
        DurationMinutesRole, // int
        PriceCentsRole, // qint64 for vehicleClass; invalid QVariant when not offered for it
        CurrencyRole, // QString, ISO 4217
    };
    Q_ENUM(Role)

    explicit ServiceListModel(ConnectionPool &pool, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    Service service(int row) const;
    bool isLoading() const { return m_loading; }
    // The last refresh's failure, translated; empty after a success.
    QString error() const { return m_error; }
    QString vehicleClass() const { return m_vehicleClass; }
    // Changes PriceCentsRole of every row; no reload.
    void setVehicleClass(const QString &vehicleClass);

public slots:
    // Reloads from the database; a result older than the newest refresh is dropped.
    void refresh();

signals:
    void loadingChanged(bool loading);
    void errorChanged(const QString &error);
    void vehicleClassChanged(const QString &vehicleClass);
    // After a result (rows or error) was applied.
    void refreshed();

private:
    void setLoading(bool loading);
    void setError(const QString &error);

    ConnectionPool &m_pool;
    QList<Service> m_services;
    QString m_vehicleClass = QStringLiteral("car");
    QString m_error;
    bool m_loading = false;
    quint64 m_generation = 0;
};
