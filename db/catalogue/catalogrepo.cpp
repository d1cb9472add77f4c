#include "db/catalogue/catalogrepo.h"

#include "db/audit/auditlog.h"
#include "db/calendar/settingsrepo.h"
#include "db/pool/sql.h"
#include "db/text/bookingwords.h"
#include "db/text/decimalinput.h"
#include "db/text/displaylocale.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

#include <algorithm>

// What differs between the three kinds of row when they are removed or
// checked for a unique name.
struct CatalogRepo::Table
{
    QString table; // "services"
    QString entity; // audit_log's entity: "service"
    QString referencesSql; // counts the bookings that refer to row ?
};

namespace {

const QString ServicesSql = QStringLiteral(R"(
SELECT s.id, s.name, s.description, s.duration_minutes, s.active,
       (SELECT count(*) FROM bookings AS b WHERE b.service_id = s.id),
       (SELECT json_object_agg(p.vehicle_class, p.price_cents) FROM service_prices AS p
         WHERE p.service_id = s.id)::text
  FROM services AS s
 WHERE %1
 ORDER BY s.sort_order, s.name, s.id %2)");

const QString AddonsSql = QStringLiteral(R"(
SELECT a.id, a.name, a.price_cents, a.extra_minutes, a.active,
       (SELECT count(*) FROM booking_addons AS ba WHERE ba.addon_id = a.id),
       (SELECT json_agg(sa.service_id ORDER BY sa.service_id) FROM service_addons AS sa
         WHERE sa.addon_id = a.id)::text
  FROM addons AS a
 WHERE %1
 ORDER BY a.sort_order, a.name, a.id %2)");

const QString BaysSql = QStringLiteral(R"(
SELECT y.id, y.name, y.kind, y.active,
       (SELECT count(*) FROM bookings AS b WHERE b.bay_id = y.id),
       (SELECT json_agg(bs.service_id ORDER BY bs.service_id) FROM bay_services AS bs
         WHERE bs.bay_id = y.id)::text
  FROM bays AS y
 WHERE %1
 ORDER BY y.sort_order, y.name, y.id %2)");

QList<qint64> idsFrom(const QVariant &column)
{
    QList<qint64> ids;
    for (const QJsonValue &v : QJsonDocument::fromJson(column.toString().toUtf8()).array())
        ids.append(v.toInteger());
    return ids;
}

QList<CatalogueService> readServices(QSqlDatabase &db, const QString &filter, const QVariantList &binds,
                                     bool lock = false)
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

QList<CatalogueAddon> readAddons(QSqlDatabase &db, const QString &filter, const QVariantList &binds,
                                 bool lock = false)
{
    QList<CatalogueAddon> rows;
    QSqlQuery query
        = Sql::exec(db, AddonsSql.arg(filter, lock ? QStringLiteral("FOR UPDATE OF a") : QString()), binds);
    while (query.next()) {
        CatalogueAddon a;
        a.id = query.value(0).toLongLong();
        a.name = query.value(1).toString();
        a.priceCents = query.value(2).toLongLong();
        a.extraMinutes = query.value(3).toInt();
        a.active = query.value(4).toBool();
        a.bookingCount = query.value(5).toInt();
        a.serviceIds = idsFrom(query.value(6));
        rows.append(a);
    }
    return rows;
}

QList<CatalogueBay> readBays(QSqlDatabase &db, const QString &filter, const QVariantList &binds,
                             bool lock = false)
{
    QList<CatalogueBay> rows;
    QSqlQuery query
        = Sql::exec(db, BaysSql.arg(filter, lock ? QStringLiteral("FOR UPDATE OF y") : QString()), binds);
    while (query.next()) {
        CatalogueBay b;
        b.id = query.value(0).toLongLong();
        b.name = query.value(1).toString();
        b.kind = query.value(2).toString();
        b.active = query.value(3).toBool();
        b.bookingCount = query.value(4).toInt();
        b.serviceIds = idsFrom(query.value(5));
        rows.append(b);
    }
    return rows;
}

QString idArrayText(const QList<qint64> &ids)
{
    QStringList parts;
    for (const qint64 id : ids)
        parts << QString::number(id);
    return QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

QList<qint64> sortedUnique(QList<qint64> ids)
{
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

bool hasControlCharacters(const QString &text, bool allowLineBreaks)
{
    return std::any_of(text.cbegin(), text.cend(), [allowLineBreaks](QChar c) {
        if (allowLineBreaks && c == u'\n')
            return false;
        return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format;
    });
}

void checkName(const QString &name, QList<FieldError> &errors)
{
    const qsizetype length = name.toUcs4().size(); // char_length counts code points
    if (length == 0)
        errors.append(
            {QStringLiteral("name"),
             CatalogRepo::tr("The name is required (1 to %1 characters).").arg(CatalogRepo::MaxNameLength)});
    else if (length > CatalogRepo::MaxNameLength)
        errors.append({QStringLiteral("name"),
                       CatalogRepo::tr("The name may have at most %1 characters; it has %2.")
                           .arg(CatalogRepo::MaxNameLength)
                           .arg(length)});
    else if (hasControlCharacters(name, false))
        errors.append({QStringLiteral("name"),
                       CatalogRepo::tr("The name may not contain line breaks or control characters.")});
}

// The highest price as the reader types amounts ("99999,99" in German).
QString maxPriceText()
{
    return DecimalInput::text(CatalogRepo::MaxPriceCents, DisplayLocale::get());
}

QJsonObject change(const QJsonObject &before, const QJsonObject &after)
{
    return {{QStringLiteral("before"), before.isEmpty() ? QJsonValue() : QJsonValue(before)},
            {QStringLiteral("after"), after.isEmpty() ? QJsonValue() : QJsonValue(after)}};
}

} // namespace

const QStringList &CatalogRepo::vehicleClasses()
{
    static const QStringList classes
        = {QStringLiteral("car"), QStringLiteral("suv"), QStringLiteral("truck")};
    return classes;
}

const QStringList &CatalogRepo::bayKinds()
{
    static const QStringList kinds
        = {QStringLiteral("tunnel"), QStringLiteral("detail"), QStringLiteral("self_serve")};
    return kinds;
}

CatalogRepo::CatalogRepo(QSqlDatabase &db)
    : m_db(db)
{ }

QString CatalogRepo::normaliseName(const QString &name)
{
    return name.trimmed().normalized(QString::NormalizationForm_C);
}

Catalogue CatalogRepo::load()
{
    Catalogue catalogue;
    catalogue.services = readServices(m_db, QStringLiteral("true"), {});
    catalogue.addons = readAddons(m_db, QStringLiteral("true"), {});
    catalogue.bays = readBays(m_db, QStringLiteral("true"), {});
    catalogue.currency = currency();
    return catalogue;
}

QString CatalogRepo::currency()
{
    return SettingsRepo(m_db).load().currency;
}

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

QList<FieldError> CatalogRepo::validate(const CatalogueAddon &addon)
{
    QList<FieldError> errors;
    checkName(addon.name, errors);
    if (addon.priceCents < 0 || addon.priceCents > MaxPriceCents)
        errors.append({QStringLiteral("price"), tr("The price must be from 0 to %1.").arg(maxPriceText())});
    if (addon.extraMinutes < 0 || addon.extraMinutes > MaxExtraMinutes)
        errors.append({QStringLiteral("extraMinutes"),
                       tr("The extra time must be 0 to %1 minutes, not %2.")
                           .arg(MaxExtraMinutes)
                           .arg(addon.extraMinutes)});
    return errors;
}

QList<FieldError> CatalogRepo::validate(const CatalogueBay &bay)
{
    QList<FieldError> errors;
    checkName(bay.name, errors);
    if (!bayKinds().contains(bay.kind))
        errors.append({QStringLiteral("kind"),
                       tr("The kind must be one of %1, not \"%2\".")
                           .arg(bayKinds().join(QStringLiteral(", ")), bay.kind)});
    return errors;
}

std::optional<QString> CatalogRepo::nameTaken(const Table &table, const QString &name, qint64 id)
{
    // Case-insensitive: "Deluxe wash" next to "Deluxe Wash" would only
    // confuse the desk, though the unique index would allow it.
    QSqlQuery query
        = Sql::exec(m_db,
                    QStringLiteral("SELECT name FROM %1 WHERE lower(name) = lower(?) AND id <> ? LIMIT 1")
                        .arg(table.table),
                    {name, id});
    if (query.next())
        return query.value(0).toString();
    return std::nullopt;
}

QList<FieldError> CatalogRepo::unknownServices(const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return {};
    QSqlQuery query = Sql::exec(m_db,
                                QStringLiteral("SELECT x FROM unnest(?::bigint[]) AS x WHERE NOT EXISTS "
                                               "(SELECT 1 FROM services WHERE id = x) ORDER BY x"),
                                {idArrayText(ids)});
    QStringList missing;
    while (query.next())
        missing << query.value(0).toString();
    if (missing.isEmpty())
        return {};
    return {{QStringLiteral("services"),
             tr("There is no service with ID %1 (it may have just been deleted); reload and choose again.")
                 .arg(missing.join(QStringLiteral(", ")))}};
}

void CatalogRepo::setLinks(const QString &linkTable, const QString &ownColumn, qint64 ownId,
                           const QList<qint64> &serviceIds)
{
    Sql::exec(m_db,
              QStringLiteral("DELETE FROM %1 WHERE %2 = ? AND service_id <> ALL (?::bigint[])")
                  .arg(linkTable, ownColumn),
              {ownId, idArrayText(serviceIds)});
    if (serviceIds.isEmpty())
        return;
    Sql::exec(m_db,
              QStringLiteral("INSERT INTO %1 (%2, service_id) SELECT ?, unnest(?::bigint[]) "
                             "ON CONFLICT DO NOTHING")
                  .arg(linkTable, ownColumn),
              {ownId, idArrayText(serviceIds)});
}

DbResult<SaveOutcome> CatalogRepo::duplicateName(const QString &name, const QString &what)
{
    return SaveOutcome::refused(
        {{QStringLiteral("name"),
          tr("%1 called \"%2\" already exists; choose another name.").arg(what, name)}});
}

DbResult<SaveOutcome> CatalogRepo::saveService(const CatalogueService &input, const QString &actor)
{
    static const Table table {QStringLiteral("services"), QStringLiteral("service"), {}};
    CatalogueService s = input;
    s.name = normaliseName(s.name);
    // Never null: a null QString binds as SQL NULL, and description is NOT NULL.
    s.description = input.description.isNull() ? QStringLiteral("") : input.description.trimmed();
    s.description.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    if (QList<FieldError> errors = validate(s); !errors.isEmpty())
        return SaveOutcome::refused(std::move(errors));
    try {
        Transaction tx(m_db);
        if (const std::optional<QString> taken = nameTaken(table, s.name, s.id))
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
                        table.entity, QString::number(s.id), change(before, s.toJson()));
        tx.commit();
        return SaveOutcome::saved(s.id);
    } catch (const DbException &e) {
        // Another desk took the name between the check and the write.
        if (e.error().kind() == DbError::Kind::UniqueViolation)
            return duplicateName(s.name, tr("A service"));
        throw;
    }
}

DbResult<SaveOutcome> CatalogRepo::saveAddon(const CatalogueAddon &input, const QString &actor)
{
    static const Table table {QStringLiteral("addons"), QStringLiteral("addon"), {}};
    CatalogueAddon a = input;
    a.name = normaliseName(a.name);
    a.serviceIds = sortedUnique(a.serviceIds);
    if (QList<FieldError> errors = validate(a); !errors.isEmpty())
        return SaveOutcome::refused(std::move(errors));
    try {
        Transaction tx(m_db);
        if (const std::optional<QString> taken = nameTaken(table, a.name, a.id))
            return duplicateName(*taken, tr("An add-on"));
        if (QList<FieldError> errors = unknownServices(a.serviceIds); !errors.isEmpty())
            return SaveOutcome::refused(std::move(errors));
        const QString money = currency();
        QJsonObject before;
        if (a.id != 0) {
            const QList<CatalogueAddon> old = readAddons(m_db, QStringLiteral("a.id = ?"), {a.id}, true);
            if (old.isEmpty())
                return DbError(
                    DbError::Kind::NotFound,
                    tr("There is no add-on with ID %1 (it may have just been deleted).").arg(a.id));
            before = old.first().toJson();
            Sql::exec(m_db,
                      QStringLiteral("UPDATE addons SET name = ?, price_cents = ?, currency = ?, "
                                     "extra_minutes = ?, active = ? WHERE id = ?"),
                      {a.name, a.priceCents, money, a.extraMinutes, a.active, a.id});
        } else {
            a.id = Sql::scalar(
                       m_db,
                       QStringLiteral("INSERT INTO addons (name, price_cents, currency, extra_minutes, "
                                      "active, sort_order) VALUES (?, ?, ?, ?, ?, "
                                      "(SELECT COALESCE(max(sort_order), 0) + 10 FROM addons)) "
                                      "RETURNING id"),
                       {a.name, a.priceCents, money, a.extraMinutes, a.active})
                       .toLongLong();
        }
        setLinks(QStringLiteral("service_addons"), QStringLiteral("addon_id"), a.id, a.serviceIds);
        AuditLog::write(m_db, actor,
                        before.isEmpty() ? QStringLiteral("addon.create") : QStringLiteral("addon.update"),
                        table.entity, QString::number(a.id), change(before, a.toJson()));
        tx.commit();
        return SaveOutcome::saved(a.id);
    } catch (const DbException &e) {
        if (e.error().kind() == DbError::Kind::UniqueViolation)
            return duplicateName(a.name, tr("An add-on"));
        throw;
    }
}

DbResult<SaveOutcome> CatalogRepo::saveBay(const CatalogueBay &input, const QString &actor)
{
    static const Table table {QStringLiteral("bays"), QStringLiteral("bay"), {}};
    CatalogueBay b = input;
    b.name = normaliseName(b.name);
    b.serviceIds = sortedUnique(b.serviceIds);
    if (QList<FieldError> errors = validate(b); !errors.isEmpty())
        return SaveOutcome::refused(std::move(errors));
    try {
        Transaction tx(m_db);
        if (const std::optional<QString> taken = nameTaken(table, b.name, b.id))
            return duplicateName(*taken, tr("A bay"));
        if (QList<FieldError> errors = unknownServices(b.serviceIds); !errors.isEmpty())
            return SaveOutcome::refused(std::move(errors));
        QJsonObject before;
        QString note;
        if (b.id != 0) {
            const QList<CatalogueBay> old = readBays(m_db, QStringLiteral("y.id = ?"), {b.id}, true);
            if (old.isEmpty())
                return DbError(DbError::Kind::NotFound,
                               tr("There is no bay with ID %1 (it may have just been deleted).").arg(b.id));
            before = old.first().toJson();
            Sql::exec(m_db, QStringLiteral("UPDATE bays SET name = ?, kind = ?, active = ? WHERE id = ?"),
                      {b.name, b.kind, b.active, b.id});
            if (old.first().active && !b.active) {
                // Deactivating takes no new bookings; the ones already made
                // stay, and the desk must know to move or keep them.
                const int upcoming
                    = Sql::scalar(m_db,
                                  QStringLiteral(
                                      "SELECT count(*) FROM bookings WHERE bay_id = ? AND starts_at > now() "
                                      "AND status IN ('held', 'confirmed', 'checked_in', 'in_progress')"),
                                  {b.id})
                          .toInt();
                if (upcoming > 0)
                    note = tr("%1 takes no new bookings; %n upcoming booking(s) already on it stay there.",
                              nullptr, upcoming)
                               .arg(b.name);
            }
        } else {
            b.id = Sql::scalar(
                       m_db,
                       QStringLiteral("INSERT INTO bays (name, kind, active, sort_order) VALUES (?, ?, ?, "
                                      "(SELECT COALESCE(max(sort_order), 0) + 10 FROM bays)) RETURNING id"),
                       {b.name, b.kind, b.active})
                       .toLongLong();
        }
        setLinks(QStringLiteral("bay_services"), QStringLiteral("bay_id"), b.id, b.serviceIds);
        AuditLog::write(m_db, actor,
                        before.isEmpty() ? QStringLiteral("bay.create") : QStringLiteral("bay.update"),
                        table.entity, QString::number(b.id), change(before, b.toJson()));
        tx.commit();
        return SaveOutcome::saved(b.id, note);
    } catch (const DbException &e) {
        if (e.error().kind() == DbError::Kind::UniqueViolation)
            return duplicateName(b.name, tr("A bay"));
        throw;
    }
}

DbResult<SaveOutcome> CatalogRepo::removeService(qint64 id, const QString &actor)
{
    static const Table table {QStringLiteral("services"), QStringLiteral("service"),
                              QStringLiteral("SELECT count(*) FROM bookings WHERE service_id = ?")};
    return remove(table, id, actor);
}

DbResult<SaveOutcome> CatalogRepo::removeAddon(qint64 id, const QString &actor)
{
    static const Table table {QStringLiteral("addons"), QStringLiteral("addon"),
                              QStringLiteral("SELECT count(*) FROM booking_addons WHERE addon_id = ?")};
    return remove(table, id, actor);
}

DbResult<SaveOutcome> CatalogRepo::removeBay(qint64 id, const QString &actor)
{
    static const Table table {QStringLiteral("bays"), QStringLiteral("bay"),
                              QStringLiteral("SELECT count(*) FROM bookings WHERE bay_id = ?")};
    return remove(table, id, actor);
}

DbResult<SaveOutcome> CatalogRepo::remove(const Table &table, qint64 id, const QString &actor)
{
    Transaction tx(m_db);
    // The row lock conflicts with the key-share lock a new booking's foreign
    // key takes, so no booking can start referring to the row between the
    // count and the delete.
    QJsonObject before;
    QString name;
    if (table.entity == u"service") {
        const QList<CatalogueService> rows = readServices(m_db, QStringLiteral("s.id = ?"), {id}, true);
        if (!rows.isEmpty()) {
            before = rows.first().toJson();
            name = rows.first().name;
        }
    } else if (table.entity == u"addon") {
        const QList<CatalogueAddon> rows = readAddons(m_db, QStringLiteral("a.id = ?"), {id}, true);
        if (!rows.isEmpty()) {
            before = rows.first().toJson();
            name = rows.first().name;
        }
    } else {
        const QList<CatalogueBay> rows = readBays(m_db, QStringLiteral("y.id = ?"), {id}, true);
        if (!rows.isEmpty()) {
            before = rows.first().toJson();
            name = rows.first().name;
        }
    }
    if (before.isEmpty())
        return DbError(DbError::Kind::NotFound,
                       tr("There is nothing with ID %1 to remove (it may have just been "
                          "deleted).")
                           .arg(id));
    const int references = Sql::scalar(m_db, table.referencesSql, {id}).toInt();
    QString note;
    if (references > 0) {
        Sql::exec(m_db, QStringLiteral("UPDATE %1 SET active = false WHERE id = ?").arg(table.table), {id});
        QJsonObject after = before;
        after.insert(QStringLiteral("active"), false);
        AuditLog::write(m_db, actor, table.entity + QStringLiteral(".deactivate"), table.entity,
                        QString::number(id), change(before, after));
        note = tr("%1 was deactivated, not deleted: %n booking(s) refer to it and keep their history. "
                  "It is no longer offered.",
                  nullptr, references)
                   .arg(name);
    } else {
        Sql::exec(m_db, QStringLiteral("DELETE FROM %1 WHERE id = ?").arg(table.table), {id});
        AuditLog::write(m_db, actor, table.entity + QStringLiteral(".delete"), table.entity,
                        QString::number(id), change(before, {}));
        note = tr("%1 was deleted.").arg(name);
    }
    tx.commit();
    return SaveOutcome::saved(id, note);
}
