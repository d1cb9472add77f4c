#pragma once

#include "db/health/poolmonitor.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonArray>

// Recent database errors with repeats merged into one row (same SQLSTATE,
// label, kind and message) carrying a count and the first and last time
// seen: the Tiled issues-list pattern. Fed the monitor's recent errors
// (oldest first) again and again; only records newer than those already
// counted are added. GUI thread.
class MergedErrorsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        CountColumn,
        LastSeenColumn,
        LabelColumn,
        SqlStateColumn,
        KindColumn,
        MessageColumn,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;

    explicit MergedErrorsModel(QObject *parent = nullptr);

    void addErrors(const QList<ErrorRecord> &oldestFirst);
    void clear();

    struct Row
    {
        QString label;
        QString kind;
        QString sqlState;
        QString message;
        int count = 0;
        QDateTime firstSeen;
        QDateTime lastSeen;
    };
    const QList<Row> &rows() const { return m_rows; }
    int totalCount() const;
    QJsonArray toJson() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
    QDateTime m_seenUntil; // newest record counted
    int m_seenAtNewest = 0; // records with exactly that time counted
};
