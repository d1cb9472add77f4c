#pragma once

#include "db/calendar/openinghours.h"
#include "db/catalogue/catalogue.h"
#include "db/pool/fielderror.h"
#include "db/staff/staffmember.h"

#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QSqlDatabase>
#include <QString>

// What the owner chose in the desk's first run, ready to write. Plain
// value, copied to a pool thread.
struct FirstRunPlan
{
    // site_settings keys (site.name, site.timezone, billing.*) -> values in
    // the form SiteSettings::validate normalises them to.
    QMap<QString, QString> settings;
    // ISO weekday -> its periods (empty: closed); days left out keep what
    // the database has.
    QMap<int, QList<OpeningPeriod>> hours;
    QString managerName;
    QString managerPin;
    // The demo car wash's washes, add-ons, lanes and holidays
    // (DemoSeeder::seedCatalogue) instead of washes and bays below.
    bool demoMenu = false;
    QList<CatalogueService> washes;
    int bays = 0; // "Bay 1" … "Bay N", each offering every wash
    // One random key per first run, the same on every retry of it, written
    // with the set-up: a retry whose commit went through but whose answer
    // was lost (the connection dropped after COMMIT) finds its own key and
    // its manager, rather than "set up at another desk".
    QString setupKey;
};

// What a first run came to: written (manager is the new manager, to sign in
// as; also when a retry finds this plan's own earlier commit), refused input
// (errors, by field), or nothing to do because the site has staff already
// (another desk got there first). Only the first writes.
struct FirstRunOutcome
{
    bool alreadySetUp = false;
    QList<FieldError> errors;
    StaffMember manager;

    bool ok() const { return !alreadySetUp && errors.isEmpty(); }
};

// The first run of an empty site: its settings, opening hours, first
// manager and starter menu in one transaction, so no site is ever left
// half set up (a manager without hours, washes without bays). Blocking:
// apply() runs inside a unit of work on a pooled connection (throws
// DbException through the Sql helpers for failures worth a retry).
class FirstRun
{
    Q_DECLARE_TR_FUNCTIONS(FirstRun)
public:
    static constexpr int MaxWashes = 12;
    static constexpr int MaxBays = 20;

    // The checks that need no database, with the fields apply() names: the
    // setting keys, "hours.mon" … "hours.sun", "manager.name", "manager.pin",
    // "washes", "wash.N.<CatalogRepo's field>" (N from 1), "bays", "menu".
    static QList<FieldError> validate(const FirstRunPlan &plan);
    // Validates again, then writes everything, audited as done by the new
    // manager, or nothing.
    static FirstRunOutcome apply(QSqlDatabase &db, const FirstRunPlan &plan);
};
