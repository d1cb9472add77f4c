// The catalogue's services and their prices per vehicle class (CatalogRepo).
#include "db/catalogue/catalogrepo.h"

#include "db/audit/auditlog.h"
#include "db/catalogue/catalogrepo_p.h"
#include "db/pool/sql.h"
#include "db/text/bookingwords.h"

#include <QJsonDocument>
#include <QSqlQuery>

using namespace CatalogRepoDetail;

namespace {

const QString ServicesSql = QStringLiteral(R"(
SELECT s.id, s.name, s.description, s.duration_minutes, s.active,
       (SELECT count(*) FROM bookings AS b WHERE b.service_id = s.id),
       (SELECT json_object_agg(p.vehicle_class, p.price_cents) FROM service_prices AS p
         WHERE p.service_id = s.id)::text
  FROM services AS s
 WHERE %1
 ORDER BY s.sort_order, s.name, s.id %2)");

} // namespace

QList<CatalogueService> CatalogRepoDetail::readServices(QSqlDatabase &db, const QString &filter,
                                                        const QVariantList &binds, bool lock)
{
    QList<CatalogueService> rows;
    QSqlQuery query
        = Sql::exec(db, ServicesSql.arg(filter, lock ? QStringLiteral("FOR UPDATE OF s") : QString()), binds);
    while (query.next()) {
        CatalogueService s;
        s.id = query.value(0).toLongLong();
        s.name = query.value(1).toString();
        s.description = query.value(2).toString();
        s.durationMinutes = query.value(3).toInt();
        s.active = query.value(4).toBool();
        s.bookingCount = query.value(5).toInt();
        const QJsonObject prices = QJsonDocument::fromJson(query.value(6).toString().toUtf8()).object();
        for (auto it = prices.constBegin(); it != prices.constEnd(); ++it)
            s.prices.insert(it.key(), it.value().toInteger());
        rows.append(s);
    }
    return rows;
}

static const CatalogRepoDetail::Table ServicesTable {
    QStringLiteral("services"), QStringLiteral("service"),
    QStringLiteral("SELECT count(*) FROM bookings WHERE service_id = ?"),
    [](QSqlDatabase &db, qint64 id) -> std::optional<CatalogRepoDetail::LockedRow> {
        const auto rows = readServices(db, QStringLiteral("s.id = ?"), {id}, true);
        if (rows.isEmpty())
            return std::nullopt;
        return CatalogRepoDetail::LockedRow {rows.first().toJson(), rows.first().name};
    }};

QList<FieldError> CatalogRepo::validate(const CatalogueService &service)
{
    QList<FieldError> errors;
    checkName(service.name, errors);
    if (service.description.size() > MaxDescriptionLength)
        errors.append({QStringLiteral("description"),
                       tr("The description may have at most %1 characters.").arg(MaxDescriptionLength)});
    else if (hasControlCharacters(service.description, true))
        errors.append(
            {QStringLiteral("description"), tr("The description may not contain control characters.")});
    if (service.durationMinutes < MinDurationMinutes || service.durationMinutes > MaxDurationMinutes)
        errors.append({QStringLiteral("duration"),
                       tr("The duration must be %1 to %2 minutes, not %3.")
                           .arg(MinDurationMinutes)
                           .arg(MaxDurationMinutes)
                           .arg(service.durationMinutes)});
    for (auto it = service.prices.cbegin(); it != service.prices.cend(); ++it) {
        if (!vehicleClasses().contains(it.key()))
            errors.append({QStringLiteral("prices"),
                           tr("\"%1\" is not a vehicle class; the classes are %2.")
                               .arg(it.key(), vehicleClasses().join(QStringLiteral(", ")))});
        else if (it.value() < 0 || it.value() > MaxPriceCents)
            errors.append({QStringLiteral("price.") + it.key(),
                           tr("The price for %1 must be from 0 to %2.")
                               .arg(BookingWords::vehicleClass(it.key()), maxPriceText())});
    }
    if (service.active && service.prices.isEmpty())
        errors.append({QStringLiteral("prices"),
                       tr("An active service needs a price for at least one vehicle class.")});
    return errors;
}

DbResult<SaveOutcome> CatalogRepo::saveService(const CatalogueService &input, const QString &actor)
{
    CatalogueService s = input;
    s.name = normaliseName(s.name);
    // Never null: a null QString binds as SQL NULL, and description is NOT NULL.
    s.description = input.description.isNull() ? QStringLiteral("") : input.description.trimmed();
    s.description.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    if (QList<FieldError> errors = validate(s); !errors.isEmpty())
        return SaveOutcome::refused(std::move(errors));
    try {
        Transaction tx(m_db);
        if (const std::optional<QString> taken = nameTaken(ServicesTable, s.name, s.id))
            return duplicateName(*taken, tr("A service"));
        QJsonObject before;
        if (s.id != 0) {
            const QList<CatalogueService> old = readServices(m_db, QStringLiteral("s.id = ?"), {s.id}, true);
            if (old.isEmpty())
                return DbError(
                    DbError::Kind::NotFound,
                    tr("There is no service with ID %1 (it may have just been deleted).").arg(s.id));
            before = old.first().toJson();
            Sql::exec(m_db,
                      QStringLiteral("UPDATE services SET name = ?, description = ?, duration_minutes = ?, "
                                     "active = ? WHERE id = ?"),
                      {s.name, s.description, s.durationMinutes, s.active, s.id});
        } else {
            s.id = Sql::scalar(
                       m_db,
                       QStringLiteral("INSERT INTO services (name, description, duration_minutes, active, "
                                      "sort_order) VALUES (?, ?, ?, ?, "
                                      "(SELECT COALESCE(max(sort_order), 0) + 10 FROM services)) "
                                      "RETURNING id"),
                       {s.name, s.description, s.durationMinutes, s.active})
                       .toLongLong();
        }
        const QStringList classes = s.prices.keys();
        Sql::exec(m_db,
                  QStringLiteral(
                      "DELETE FROM service_prices WHERE service_id = ? AND vehicle_class <> ALL (?::text[])"),
                  {s.id, QLatin1Char('{') + classes.join(QLatin1Char(',')) + QLatin1Char('}')});
        const QString money = currency();
        for (auto it = s.prices.cbegin(); it != s.prices.cend(); ++it)
            Sql::exec(m_db,
                      QStringLiteral(
                          "INSERT INTO service_prices (service_id, vehicle_class, price_cents, currency) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (service_id, vehicle_class) DO UPDATE "
                          "SET price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency"),
                      {s.id, it.key(), it.value(), money});
        AuditLog::write(m_db, actor,
                        before.isEmpty() ? QStringLiteral("service.create")
                                         : QStringLiteral("service.update"),
                        ServicesTable.entity, QString::number(s.id), change(before, s.toJson()));
        tx.commit();
        return SaveOutcome::saved(s.id);
    } catch (const DbException &e) {
        // Another desk took the name between the check and the write.
        if (e.error().kind() == DbError::Kind::UniqueViolation)
            return duplicateName(s.name, tr("A service"));
        throw;
    }
}

DbResult<SaveOutcome> CatalogRepo::removeService(qint64 id, const QString &actor)
{
    return remove(ServicesTable, id, actor);
}
