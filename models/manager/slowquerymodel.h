#pragma once

#include "db/health/poolmonitor.h"

#include <QAbstractTableModel>
#include <QJsonArray>

// The monitor's slow-query history (label, duration, when, SQL with values
// elided) as a table; sort it with a QSortFilterProxyModel on SortRole.
// GUI thread.
class SlowQueryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { LabelColumn, DurationColumn, WhenColumn, SqlColumn, ColumnCount };
    static constexpr int SortRole = Qt::UserRole;

    explicit SlowQueryModel(QObject *parent = nullptr);

    // Replaces the list; nothing happens when it did not change.
    void setQueries(const QList<SlowQuery> &oldestFirst);
    const QList<SlowQuery> &queries() const { return m_queries; }
    QJsonArray toJson() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<SlowQuery> m_queries;
};
