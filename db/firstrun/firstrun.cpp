#include "db/firstrun/firstrun.h"

#include "db/audit/auditlog.h"
#include "db/calendar/calendarrepo.h"
#include "db/calendar/settingsrepo.h"
#include "db/catalogue/catalogrepo.h"
#include "db/demo/demoseeder.h"
#include "db/pool/sql.h"
#include "db/staff/staffrepo.h"

#include <QJsonObject>

namespace {

FirstRunOutcome refused(QList<FieldError> errors)
{
    FirstRunOutcome outcome;
    outcome.errors = std::move(errors);
    return outcome;
}

QString washField(qsizetype index, const QString &field)
{
    return QStringLiteral("wash.%1.%2").arg(index + 1).arg(field);
}

// The manager of the first run recorded with setupKey, if there was one.
std::optional<StaffMember> ownSetUp(QSqlDatabase &db, const QString &setupKey)
{
    if (setupKey.isEmpty())
        return std::nullopt;
    const QVariant id = Sql::scalar(db,
                                    QStringLiteral("SELECT (SELECT s.id FROM audit_log a JOIN staff s "
                                                   "ON a.actor = 'staff:' || s.id "
                                                   "WHERE a.action = 'site.first_run' "
                                                   "AND a.details->>'setup_key' = ? LIMIT 1)"),
                                    {setupKey});
    if (id.isNull())
        return std::nullopt;
    return StaffRepo(db).byId(id.toLongLong());
}

} // namespace

QList<FieldError> FirstRun::validate(const FirstRunPlan &plan)
{
    QList<FieldError> errors;
    for (auto it = plan.settings.cbegin(); it != plan.settings.cend(); ++it) {
        if (const QString problem = SiteSettings::validate(it.key(), it.value()); !problem.isEmpty())
            errors.append({it.key(), problem});
    }
    if (!plan.settings.contains(QStringLiteral("site.name")))
        errors.append({QStringLiteral("site.name"), tr("Type the car wash's name.")});
    const QString name = plan.managerName.simplified();
    if (name.isEmpty() || name.size() > 100)
        errors.append({QStringLiteral("manager.name"), tr("Type the manager's name (1 to 100 characters).")});
    if (const QString problem = StaffRepo::pinProblem(plan.managerPin); !problem.isEmpty())
        errors.append({QStringLiteral("manager.pin"), problem});
    if (plan.demoMenu)
        return errors;
    if (plan.washes.isEmpty() || plan.washes.size() > MaxWashes)
        errors.append({QStringLiteral("washes"), tr("The menu needs 1 to %1 washes.").arg(MaxWashes)});
    for (qsizetype i = 0; i < plan.washes.size(); ++i) {
        for (const FieldError &e : CatalogRepo::validate(plan.washes.at(i)))
            errors.append({washField(i, e.field), e.message});
    }
    if (plan.bays < 1 || plan.bays > MaxBays)
        errors.append({QStringLiteral("bays"), tr("The car wash needs 1 to %1 bays or lanes.").arg(MaxBays)});
    return errors;
}

FirstRunOutcome FirstRun::apply(QSqlDatabase &db, const FirstRunPlan &plan)
{
    if (QList<FieldError> errors = validate(plan); !errors.isEmpty())
        return refused(std::move(errors));

    Transaction tx(db);
    // First, so a second desk's first run waits on the staff table and then
    // finds this manager; the PIN is stretched before that lock is taken.
    const std::optional<StaffMember> manager
        = StaffRepo(db).addFirstManager(plan.managerName, plan.managerPin);
    if (!manager) {
        FirstRunOutcome outcome;
        // This plan's own set-up, committed by an attempt whose answer was lost?
        if (const std::optional<StaffMember> own = ownSetUp(db, plan.setupKey))
            outcome.manager = *own;
        else
            outcome.alreadySetUp = true;
        return outcome; // tx rolls back: nothing was written
    }
    const QString actor = manager->actor();

    const DbResult<SaveOutcome> settings = SettingsRepo(db).setMany(plan.settings, actor);
    if (!settings.ok())
        throw DbException(settings.error());
    if (!settings->ok())
        return refused(settings->errors);
    CalendarRepo(db).setWeek(plan.hours, actor);

    CatalogRepo catalogue(db);
    if (plan.demoMenu) {
        if (!catalogue.load().services.isEmpty())
            return refused(
                {{QStringLiteral("menu"),
                  tr("This database has washes already, so the demo's cannot be added. Choose your "
                     "own washes instead.")}});
        DemoSeeder::seedCatalogue(db, SettingsRepo(db).load().currency);
    } else {
        QList<qint64> washIds;
        for (qsizetype i = 0; i < plan.washes.size(); ++i) {
            const DbResult<SaveOutcome> saved = catalogue.saveService(plan.washes.at(i), actor);
            if (!saved.ok())
                throw DbException(saved.error());
            if (!saved->ok()) {
                QList<FieldError> errors;
                for (const FieldError &e : saved->errors)
                    errors.append({washField(i, e.field), e.message});
                return refused(errors);
            }
            washIds.append(saved->id);
        }
        std::sort(washIds.begin(), washIds.end());
        for (int number = 1; number <= plan.bays; ++number) {
            CatalogueBay bay;
            bay.name = tr("Bay %1").arg(number);
            bay.kind = CatalogRepo::bayKinds().constFirst();
            bay.serviceIds = washIds;
            const DbResult<SaveOutcome> saved = catalogue.saveBay(bay, actor);
            if (!saved.ok())
                throw DbException(saved.error());
            if (!saved->ok())
                return refused({{QStringLiteral("bays"), saved->errors.constFirst().message}});
        }
    }
    AuditLog::write(db, actor, QStringLiteral("site.first_run"), QStringLiteral("site"), QString(),
                    {{QStringLiteral("menu"), plan.demoMenu ? QStringLiteral("demo") : QStringLiteral("own")},
                     {QStringLiteral("washes"), plan.demoMenu ? 5 : int(plan.washes.size())},
                     {QStringLiteral("bays"), plan.demoMenu ? 4 : plan.bays},
                     {QStringLiteral("setup_key"), plan.setupKey}});
    tx.commit();
    FirstRunOutcome outcome;
    outcome.manager = *manager;
    return outcome;
}
