#include "db/catalogue/catalogrepo.h"

#include "db/audit/auditlog.h"
#include "db/calendar/settingsrepo.h"
#include "db/catalogue/catalogrepo_p.h"
#include "db/pool/sql.h"
#include "db/text/decimalinput.h"
#include "db/text/displaylocale.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

#include <algorithm>

// What the three kinds of row share: names, links to services, removal. Each
// kind's reading, checks and saving live in catalogservices.cpp,
// catalogaddons.cpp and catalogbays.cpp.

namespace CatalogRepoDetail {

QList<qint64> idsFrom(const QVariant &column)
{
    QList<qint64> ids;
    for (const QJsonValue &v : QJsonDocument::fromJson(column.toString().toUtf8()).array())
        ids.append(v.toInteger());
    return ids;
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

QString maxPriceText()
{
    return DecimalInput::text(CatalogRepo::MaxPriceCents, DisplayLocale::get());
}

QJsonObject change(const QJsonObject &before, const QJsonObject &after)
{
    return {{QStringLiteral("before"), before.isEmpty() ? QJsonValue() : QJsonValue(before)},
            {QStringLiteral("after"), after.isEmpty() ? QJsonValue() : QJsonValue(after)}};
}

} // namespace CatalogRepoDetail

using namespace CatalogRepoDetail;

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

std::optional<QString> CatalogRepo::nameTaken(const CatalogRepoDetail::Table &table, const QString &name,
                                              qint64 id)
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
                                {Sql::idArray(ids)});
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
              {ownId, Sql::idArray(serviceIds)});
    if (serviceIds.isEmpty())
        return;
    Sql::exec(m_db,
              QStringLiteral("INSERT INTO %1 (%2, service_id) SELECT ?, unnest(?::bigint[]) "
                             "ON CONFLICT DO NOTHING")
                  .arg(linkTable, ownColumn),
              {ownId, Sql::idArray(serviceIds)});
}

DbResult<SaveOutcome> CatalogRepo::duplicateName(const QString &name, const QString &what)
{
    return SaveOutcome::refused(
        {{QStringLiteral("name"),
          tr("%1 called \"%2\" already exists; choose another name.").arg(what, name)}});
}

DbResult<SaveOutcome> CatalogRepo::remove(const CatalogRepoDetail::Table &table, qint64 id,
                                          const QString &actor)
{
    Transaction tx(m_db);
    // The row lock conflicts with the key-share lock a new booking's foreign
    // key takes, so no booking can start referring to the row between the
    // count and the delete.
    const std::optional<CatalogRepoDetail::LockedRow> row = table.lockRow(m_db, id);
    if (!row)
        return DbError(DbError::Kind::NotFound,
                       tr("There is nothing with ID %1 to remove (it may have just been "
                          "deleted).")
                           .arg(id));
    const QJsonObject before = row->json;
    const QString name = row->name;
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
