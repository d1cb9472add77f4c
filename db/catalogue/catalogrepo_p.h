#pragma once

// CatalogRepo's own pieces, shared by its files (catalogrepo.cpp and one file
// per kind of row); nothing outside db/catalogue includes this.

#include "db/catalogue/catalogrepo.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QVariant>

#include <optional>

namespace CatalogRepoDetail {

// A row locked FOR UPDATE, as the audit log records it, and its name.
struct LockedRow
{
    QJsonObject json;
    QString name;
};

// The rows matching filter (SQL over the kind's alias: s, a, y), each with
// how many bookings refer to it; lock takes them FOR UPDATE.
QList<CatalogueService> readServices(QSqlDatabase &db, const QString &filter, const QVariantList &binds,
                                     bool lock = false);
QList<CatalogueAddon> readAddons(QSqlDatabase &db, const QString &filter, const QVariantList &binds,
                                 bool lock = false);
QList<CatalogueBay> readBays(QSqlDatabase &db, const QString &filter, const QVariantList &binds,
                             bool lock = false);

QList<qint64> idsFrom(const QVariant &column); // a JSON array of ids
QList<qint64> sortedUnique(QList<qint64> ids);
bool hasControlCharacters(const QString &text, bool allowLineBreaks);
void checkName(const QString &name, QList<FieldError> &errors);
QString maxPriceText(); // the highest price as the reader types amounts ("99999,99" in German)
QJsonObject change(const QJsonObject &before, const QJsonObject &after); // audit_log's detail

// What differs between the three kinds of row when they are saved, removed
// or checked for a unique name.
struct Table
{
    QString table; // "services"
    QString entity; // audit_log's entity: "service"
    QString referencesSql; // counts the bookings that refer to row ?
    std::optional<LockedRow> (*lockRow)(QSqlDatabase &db, qint64 id);
};

} // namespace CatalogRepoDetail
