#pragma once

#include "db/catalogue/catalogue.h"
#include "db/pool/dberror.h"
#include "db/pool/saveoutcome.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QStringList>

namespace CatalogRepoDetail {
struct Table;
}

// The manager's writes to the catalogue: services and their prices, add-ons
// and which services offer them, bays and the services each performs. Runs
// inside a unit of work on a pooled connection (blocking; throws
// DbException from the Sql helpers for failures worth a retry). Each write
// is validated field by field (refused input writes nothing and comes back
// as SaveOutcome::errors), runs in one transaction and leaves an audit_log
// row with the row before and after. Bookings copied their prices when they
// were made, so no write here changes an existing booking.
class CatalogRepo
{
    Q_DECLARE_TR_FUNCTIONS(CatalogRepo)
public:
    static constexpr int MaxNameLength = 100;
    static constexpr int MaxDescriptionLength = 500;
    static constexpr int MinDurationMinutes = 5;
    static constexpr int MaxDurationMinutes = 480;
    static constexpr int MaxExtraMinutes = 240;
    static constexpr qint64 MaxPriceCents = 9'999'999; // 99,999.99 in the site's currency

    // The schema's vehicle classes and bay kinds, in display order.
    static const QStringList &vehicleClasses();
    static const QStringList &bayKinds();

    explicit CatalogRepo(QSqlDatabase &db);

    // Everything, active or not, with how many bookings refer to each row.
    Catalogue load();

    // Creates (id 0) or updates a service and replaces its prices; prices are
    // stored in billing.currency. Fields: name, description, duration,
    // prices, price.<class>. NotFound for an unknown id.
    DbResult<SaveOutcome> saveService(const CatalogueService &service, const QString &actor);
    // Fields: name, price, extraMinutes, services.
    DbResult<SaveOutcome> saveAddon(const CatalogueAddon &addon, const QString &actor);
    // Fields: name, kind, services.
    DbResult<SaveOutcome> saveBay(const CatalogueBay &bay, const QString &actor);

    // Deletes the row, or, when bookings refer to it (their history must
    // stay readable), deactivates it instead and says so in the note.
    DbResult<SaveOutcome> removeService(qint64 id, const QString &actor);
    DbResult<SaveOutcome> removeAddon(qint64 id, const QString &actor);
    DbResult<SaveOutcome> removeBay(qint64 id, const QString &actor);

    // The checks that need no database, for the dialog to run before sending.
    static QList<FieldError> validate(const CatalogueService &service);
    static QList<FieldError> validate(const CatalogueAddon &addon);
    static QList<FieldError> validate(const CatalogueBay &bay);
    // Trimmed and composed (NFC): the form a name is stored in.
    static QString normaliseName(const QString &name);

private:
    std::optional<QString> nameTaken(const CatalogRepoDetail::Table &table, const QString &name, qint64 id);
    QList<FieldError> unknownServices(const QList<qint64> &ids);
    void setLinks(const QString &linkTable, const QString &ownColumn, qint64 ownId,
                  const QList<qint64> &serviceIds);
    QString currency();
    DbResult<SaveOutcome> remove(const CatalogRepoDetail::Table &table, qint64 id, const QString &actor);
    DbResult<SaveOutcome> duplicateName(const QString &name, const QString &what);

    QSqlDatabase &m_db;
};
