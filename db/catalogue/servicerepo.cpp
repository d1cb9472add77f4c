#include "db/catalogue/servicerepo.h"

#include "db/pool/sql.h"

#include <QHash>
#include <QSqlQuery>

namespace {

// One row per (service, vehicle class); a service without prices still
// appears once, with NULLs on the right. A price row's currency wins; a
// service without prices shows the site's currency.
const QString ServicesSql = QStringLiteral(R"(
SELECT s.id, s.name, s.description, s.duration_minutes, s.active,
       p.vehicle_class, p.price_cents,
       COALESCE(p.currency, (SELECT value FROM site_settings WHERE key = 'billing.currency'), 'USD')
  FROM services AS s
  LEFT JOIN service_prices AS p ON p.service_id = s.id
 WHERE %1
 ORDER BY s.sort_order, s.name, s.id,
          CASE p.vehicle_class WHEN 'car' THEN 1 WHEN 'suv' THEN 2 WHEN 'truck' THEN 3 END)");

const QString AddonsSql = QStringLiteral(R"(
SELECT sa.service_id, a.id, a.name, a.price_cents, a.extra_minutes, a.active
  FROM service_addons AS sa
  JOIN addons AS a ON a.id = sa.addon_id
  JOIN services AS s ON s.id = sa.service_id
 WHERE %1
 ORDER BY a.sort_order, a.name, a.id)");

} // namespace

ServiceRepo::ServiceRepo(QSqlDatabase &db)
    : m_db(db)
{ }

QList<Service> ServiceRepo::all(bool activeOnly)
{
    if (activeOnly)
        return load(QStringLiteral("s.active"), QStringLiteral("s.active AND a.active"), {});
    return load(QStringLiteral("true"), QStringLiteral("true"), {});
}

std::optional<Service> ServiceRepo::byId(qint64 id)
{
    const QList<Service> found = load(QStringLiteral("s.id = ?"), QStringLiteral("s.id = ?"), {id});
    if (found.isEmpty())
        return std::nullopt;
    return found.first();
}

QList<Service> ServiceRepo::load(const QString &serviceFilter, const QString &addonFilter,
                                 const QVariantList &binds)
{
    QList<Service> services;
    QHash<qint64, qsizetype> indexById;
    {
        QSqlQuery query = Sql::exec(m_db, ServicesSql.arg(serviceFilter), binds);
        while (query.next()) {
            const qint64 id = query.value(0).toLongLong();
            auto found = indexById.constFind(id);
            if (found == indexById.constEnd()) {
                Service service;
                service.id = id;
                service.name = query.value(1).toString();
                service.description = query.value(2).toString();
                service.durationMinutes = query.value(3).toInt();
                service.active = query.value(4).toBool();
                service.currency = query.value(7).toString();
                found = indexById.insert(id, services.size());
                services.append(service);
            }
            if (!query.value(5).isNull())
                services[*found].prices.insert(query.value(5).toString(), query.value(6).toLongLong());
        }
    }
    if (services.isEmpty())
        return services;

    QSqlQuery query = Sql::exec(m_db, AddonsSql.arg(addonFilter), binds);
    while (query.next()) {
        const auto found = indexById.constFind(query.value(0).toLongLong());
        if (found == indexById.constEnd())
            continue; // the service appeared between the two queries
        Addon addon;
        addon.id = query.value(1).toLongLong();
        addon.name = query.value(2).toString();
        addon.priceCents = query.value(3).toLongLong();
        addon.extraMinutes = query.value(4).toInt();
        addon.active = query.value(5).toBool();
        services[*found].addons.append(addon);
    }
    return services;
}
