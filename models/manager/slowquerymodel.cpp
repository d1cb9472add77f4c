#include "models/manager/slowquerymodel.h"

#include <QJsonObject>
#include <QLocale>

SlowQueryModel::SlowQueryModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void SlowQueryModel::setQueries(const QList<SlowQuery> &oldestFirst)
{
    const auto same = [](const SlowQuery &a, const SlowQuery &b) {
        return a.at == b.at && a.label == b.label && a.durationMs == b.durationMs;
    };
    if (oldestFirst.size() == m_queries.size()
        && (m_queries.isEmpty()
            || (same(oldestFirst.first(), m_queries.first()) && same(oldestFirst.last(), m_queries.last()))))
        return;
    beginResetModel();
    m_queries = oldestFirst;
    endResetModel();
}

QJsonArray SlowQueryModel::toJson() const
{
    QJsonArray out;
    for (const SlowQuery &q : m_queries)
        out.append(QJsonObject {{QStringLiteral("label"), q.label},
                                {QStringLiteral("duration_ms"), q.durationMs},
                                {QStringLiteral("at"), q.at.toString(Qt::ISODateWithMs)},
                                {QStringLiteral("sql"), q.sql}});
    return out;
}

int SlowQueryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_queries.size());
}

int SlowQueryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SlowQueryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_queries.size())
        return {};
    const SlowQuery &q = m_queries.at(index.row());
    if (role == SortRole) {
        switch (index.column()) {
        case DurationColumn:
            return q.durationMs;
        case WhenColumn:
            return q.at;
        default:
            role = Qt::DisplayRole;
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case LabelColumn:
            return q.label;
        case DurationColumn:
            return tr("%1 ms").arg(QLocale().toString(q.durationMs, 'f', 0));
        case WhenColumn:
            return QLocale().toString(q.at.toLocalTime().time(), QLocale::LongFormat);
        case SqlColumn:
            return q.sql;
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == SqlColumn)
        return q.sql;
    if (role == Qt::TextAlignmentRole && index.column() == DurationColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant SlowQueryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case LabelColumn:
        return tr("Label");
    case DurationColumn:
        return tr("Duration");
    case WhenColumn:
        return tr("When");
    case SqlColumn:
        return tr("SQL");
    default:
        return {};
    }
}
