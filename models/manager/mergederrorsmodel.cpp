#include "models/manager/mergederrorsmodel.h"

#include <QJsonObject>
#include <QLocale>

MergedErrorsModel::MergedErrorsModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void MergedErrorsModel::addErrors(const QList<ErrorRecord> &oldestFirst)
{
    int atNewest = 0;
    for (const ErrorRecord &e : oldestFirst) {
        if (m_seenUntil.isValid()) {
            if (e.at < m_seenUntil)
                continue;
            if (e.at == m_seenUntil && ++atNewest <= m_seenAtNewest)
                continue;
        }
        if (!m_seenUntil.isValid() || e.at > m_seenUntil) {
            m_seenUntil = e.at;
            m_seenAtNewest = 1;
            atNewest = 1;
        } else {
            ++m_seenAtNewest;
        }
        int found = -1;
        for (int i = 0; i < m_rows.size(); ++i) {
            const Row &r = m_rows.at(i);
            if (r.sqlState == e.sqlState && r.label == e.label && r.kind == e.kind && r.message == e.detail) {
                found = i;
                break;
            }
        }
        if (found >= 0) {
            Row &r = m_rows[found];
            ++r.count;
            r.lastSeen = e.at;
            Q_EMIT dataChanged(index(found, CountColumn), index(found, LastSeenColumn));
        } else {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
            m_rows.append({e.label, e.kind, e.sqlState, e.detail, 1, e.at, e.at});
            endInsertRows();
        }
    }
}

void MergedErrorsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_seenUntil = QDateTime();
    m_seenAtNewest = 0;
    endResetModel();
}

int MergedErrorsModel::totalCount() const
{
    int sum = 0;
    for (const Row &r : m_rows)
        sum += r.count;
    return sum;
}

QJsonArray MergedErrorsModel::toJson() const
{
    QJsonArray out;
    for (const Row &r : m_rows)
        out.append(QJsonObject {{QStringLiteral("label"), r.label},
                                {QStringLiteral("kind"), r.kind},
                                {QStringLiteral("sqlstate"), r.sqlState},
                                {QStringLiteral("message"), r.message},
                                {QStringLiteral("count"), r.count},
                                {QStringLiteral("first_seen"), r.firstSeen.toString(Qt::ISODateWithMs)},
                                {QStringLiteral("last_seen"), r.lastSeen.toString(Qt::ISODateWithMs)}});
    return out;
}

int MergedErrorsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MergedErrorsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MergedErrorsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == SortRole) {
        switch (index.column()) {
        case CountColumn:
            return r.count;
        case LastSeenColumn:
            return r.lastSeen;
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case CountColumn:
            return QLocale().toString(r.count);
        case LastSeenColumn:
            return QLocale().toString(r.lastSeen.toLocalTime().time(), QLocale::LongFormat);
        case LabelColumn:
            return r.label;
        case SqlStateColumn:
            return r.sqlState;
        case KindColumn:
            return r.kind;
        case MessageColumn:
            return r.message;
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole)
        return tr("%n time(s), first at %1, last at %2", nullptr, r.count)
            .arg(QLocale().toString(r.firstSeen.toLocalTime(), QLocale::ShortFormat),
                 QLocale().toString(r.lastSeen.toLocalTime(), QLocale::ShortFormat));
    if (role == Qt::TextAlignmentRole && index.column() == CountColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant MergedErrorsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CountColumn:
        return tr("Count");
    case LastSeenColumn:
        return tr("Last seen");
    case LabelColumn:
        return tr("Label");
    case SqlStateColumn:
        return tr("SQLSTATE");
    case KindColumn:
        return tr("Kind");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}
