#include "ui/manager/servicechecklist.h"

ServiceCheckList::ServiceCheckList(QWidget *parent)
    : QListWidget(parent)
{
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(this, &QListWidget::itemChanged, this, &ServiceCheckList::edited);
}

void ServiceCheckList::setServices(const QList<CatalogueService> &services)
{
    const QList<qint64> checked = checkedIds();
    const QSignalBlocker quiet(this);
    clear();
    for (const CatalogueService &s : services) {
        auto *item = new QListWidgetItem(s.active ? s.name : tr("%1 (inactive)").arg(s.name), this);
        item->setData(Qt::UserRole, s.id);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(checked.contains(s.id) ? Qt::Checked : Qt::Unchecked);
    }
}

void ServiceCheckList::setChecked(const QList<qint64> &ids)
{
    const QSignalBlocker quiet(this);
    for (int i = 0; i < count(); ++i)
        item(i)->setCheckState(ids.contains(item(i)->data(Qt::UserRole).toLongLong()) ? Qt::Checked
                                                                                      : Qt::Unchecked);
}

QList<qint64> ServiceCheckList::checkedIds() const
{
    QList<qint64> ids;
    for (int i = 0; i < count(); ++i) {
        if (item(i)->checkState() == Qt::Checked)
            ids.append(item(i)->data(Qt::UserRole).toLongLong());
    }
    return ids;
}

bool ServiceCheckList::setServiceChecked(const QString &name, bool checked)
{
    for (int i = 0; i < count(); ++i) {
        if (item(i)->text() == name || item(i)->text() == tr("%1 (inactive)").arg(name)) {
            item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
            return true;
        }
    }
    return false;
}
