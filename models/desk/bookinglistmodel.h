#pragma once

#include "db/bookings/booking.h"

#include <QAbstractListModel>
#include <QDate>
#include <QList>

class ConnectionPool;

// Every booking (any status) starting on one site-local day, by start and
// bay, as BookingRepo::forDay gives them. Lives on the GUI thread;
// refresh() returns at once and the rows arrive later from a pool unit of
// work; a result for an older date or refresh is dropped. On failure the
// previous rows stay and error says why. The pool must outlive the model.
class BookingListModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QDate date READ date WRITE setDate NOTIFY dateChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1, // qint64
        CodeRole, // QString, the confirmation code (also Qt::DisplayRole)
        StatusRole, // QString, BookingStatus name
        BayIdRole, // qint64
        BayNameRole, // QString
        StartRole, // QDateTime in the site's zone
        EndRole, // QDateTime, what the customer is told
        BlockedUntilRole, // QDateTime, end plus the cleanup buffer
        ServiceIdRole, // qint64
        ServiceNameRole, // QString
        VehicleClassRole, // QString
        PlateRole, // QString
        CustomerNameRole, // QString
        PriceCentsRole, // qint64
        CurrencyRole, // QString
    };
    Q_ENUM(Role)

    explicit BookingListModel(ConnectionPool &pool, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    Booking booking(int row) const;
    bool isLoading() const { return m_loading; }
    QString error() const { return m_error; }
    QDate date() const { return m_date; }
    // Empties the rows and reloads for the new day.
    void setDate(const QDate &date);

public slots:
    void refresh();

signals:
    void loadingChanged(bool loading);
    void errorChanged(const QString &error);
    void dateChanged(const QDate &date);
    // After a result (rows or error) was applied.
    void refreshed();

private:
    void setLoading(bool loading);
    void setError(const QString &error);

    ConnectionPool &m_pool;
    QDate m_date;
    QList<Booking> m_bookings;
    QString m_error;
    bool m_loading = false;
    quint64 m_generation = 0;
};
