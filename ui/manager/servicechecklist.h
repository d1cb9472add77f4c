#pragma once

#include "db/catalogue/catalogue.h"

#include <QListWidget>

// The services as a list of check boxes: which services an add-on goes
// with, or which a bay performs. Inactive services are marked so.
class ServiceCheckList : public QListWidget
{
    Q_OBJECT
public:
    explicit ServiceCheckList(QWidget *parent = nullptr);

    void setServices(const QList<CatalogueService> &services);
    void setChecked(const QList<qint64> &ids);
    QList<qint64> checkedIds() const;
    // Ticks or unticks the service with that name; false when none.
    bool setServiceChecked(const QString &name, bool checked);

Q_SIGNALS:
    void edited();
};
