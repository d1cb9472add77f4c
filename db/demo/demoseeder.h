#pragma once

#include <QCoreApplication>
#include <QList>
#include <QSqlDatabase>
#include <QString>

// A staff member created by the demo seed, with the PIN in clear: the only
// time it exists outside the person's head, so show it once and drop it.
struct StaffPin
{
    QString name;
    QString role; // "staff" or "manager"
    QString pin;
};

struct DemoSeedResult
{
    bool alreadySeeded = false; // services existed: nothing was written
    QList<StaffPin> staff;
};

// Fills an empty database with a believable car wash: wash packages priced
// per vehicle class, add-ons, tunnel lanes and detail bays, opening hours,
// holidays, site settings and three staff with random PINs. All in one
// transaction; a no-op when any service exists. Blocking: run it inside a
// unit of work on a pooled connection (throws DbException via the Sql helpers).
class DemoSeeder
{
    Q_DECLARE_TR_FUNCTIONS(DemoSeeder)
public:
    static DemoSeedResult seed(QSqlDatabase &db);
    // The demo's washes priced per vehicle class, add-ons, lanes and bays,
    // and holidays, with prices in currency (the same figures whatever the
    // currency), in the caller's transaction: the desk's first run offers
    // them as its starter menu. Written as they are; the caller makes sure
    // the catalogue is empty.
    static void seedCatalogue(QSqlDatabase &db, const QString &currency);
};
