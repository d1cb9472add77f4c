#pragma once

#include "db/catalogue/service.h"

#include <QSqlDatabase>

#include <optional>

// Reads the catalogue: services with their prices per vehicle class and the
// add-ons each allows. Runs inside a unit of work on a pooled connection
// (blocking; throws DbException through the Sql helpers). Two queries per
// call whatever the number of services, never one per row.
class ServiceRepo
{
public:
    explicit ServiceRepo(QSqlDatabase &db);

    // In the catalogue's order (sort_order, then name). With activeOnly, only
    // active services and active add-ons.
    QList<Service> all(bool activeOnly = true);
    // Active or not, with all its add-ons; nullopt when there is no such id.
    std::optional<Service> byId(qint64 id);

private:
    QList<Service> load(const QString &serviceFilter, const QString &addonFilter, const QVariantList &binds);

    QSqlDatabase &m_db;
};
