// The managers' staff changes in the database: deactivate, reactivate, role,
// the rule that one active manager always remains (also when two managers act
// at once), and the audit trail, against a real PostgreSQL.
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/schema/migrator.h"
#include "db/staff/pinhash.h"
#include "db/staff/staffrepo.h"
#include "tests/harness/pgtestcluster.h"

#include <QSemaphore>
#include <QTest>

#include <memory>

namespace {

constexpr int kNoHangMs = 60000;

template<typename T> QByteArray describe(const DbResult<T> &r)
{
    return r.ok() ? QByteArrayLiteral("ok") : r.error().toLogString().toUtf8();
}

} // namespace

class TestStaff : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void aDeactivatedPinNoLongerSignsInUntilReactivated();
    void aRoleChangeIsAuditedWithWhoDidIt();
    void theLastActiveManagerCannotBeDeactivatedOrDemoted();
    void twoManagersRemovingEachOtherAtOnceLeaveOne();
    void onlyAnActiveManagerMayChangeStaff();

private:
    template<typename Fn> auto run(Fn fn)
    {
        return m_pool->withRetry(QStringLiteral("test"), RetryPolicy::critical(), std::move(fn)).result();
    }
    QVariant sql(const QString &text) { return m_cluster.queryBlocking(text); }
    qint64 addPerson(const QString &name, const QString &role, const QString &pin = QStringLiteral("1234"));
    int audits(const QString &action, qint64 staffId, qint64 actorId);

    PgTestCluster m_cluster;
    std::unique_ptr<ConnectionPool> m_pool;
    QString m_pinHash;
};

void TestStaff::initTestCase()
{
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    DatabaseConfig config = m_cluster.config(QStringLiteral("tst_staff"));
    config.maxConnections = 4;
    config.poolTimeoutMs = 10000;
    m_pool = std::make_unique<ConnectionPool>(config);
    auto migrated = run([](QSqlDatabase &db) { return Migrator::migrate(db); });
    QVERIFY2(migrated.ok(), describe(migrated).constData());
    m_pinHash = PinHash::hash(QStringLiteral("1234"));
}

void TestStaff::init()
{
    sql(QStringLiteral("DELETE FROM audit_log WHERE entity = 'staff'"));
    sql(QStringLiteral("DELETE FROM staff"));
}

qint64 TestStaff::addPerson(const QString &name, const QString &role, const QString &pin)
{
    const QString hash = pin == u"1234" ? m_pinHash : PinHash::hash(pin);
    return sql(QStringLiteral(
                   "INSERT INTO staff (name, role, pin_hash) VALUES ('%1', '%2', '%3') RETURNING id")
                   .arg(name, role, hash))
        .toLongLong();
}

int TestStaff::audits(const QString &action, qint64 staffId, qint64 actorId)
{
    return sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = '%1' AND entity = 'staff' "
                              "AND entity_id = '%2' AND actor = 'staff:%3'")
                   .arg(action)
                   .arg(staffId)
                   .arg(actorId))
        .toInt();
}

void TestStaff::aDeactivatedPinNoLongerSignsInUntilReactivated()
{
    const qint64 manager = addPerson(QStringLiteral("Morgan"), QStringLiteral("manager"));
    const qint64 sam = addPerson(QStringLiteral("Sam"), QStringLiteral("staff"));
    auto signIn = [this, sam] {
        return run([sam](QSqlDatabase &db) { return StaffRepo(db).signIn(sam, QStringLiteral("1234")); });
    };
    QCOMPARE(signIn()->outcome, SignInAttempt::Outcome::SignedIn);

    auto off = run([=](QSqlDatabase &db) { return StaffRepo(db).setActive(sam, false, manager); });
    QVERIFY2(off.ok(), describe(off).constData());
    QCOMPARE(off->active, false);
    QCOMPARE(signIn()->outcome, SignInAttempt::Outcome::NotFound); // the right PIN, refused
    auto listed = run([](QSqlDatabase &db) { return StaffRepo(db).active(); });
    QCOMPARE(listed->size(), 1); // the sign-in list no longer shows Sam
    QCOMPARE(audits(QStringLiteral("staff.deactivated"), sam, manager), 1);

    auto on = run([=](QSqlDatabase &db) { return StaffRepo(db).setActive(sam, true, manager); });
    QVERIFY2(on.ok(), describe(on).constData());
    QCOMPARE(signIn()->outcome, SignInAttempt::Outcome::SignedIn);
    QCOMPARE(audits(QStringLiteral("staff.reactivated"), sam, manager), 1);
}

void TestStaff::aRoleChangeIsAuditedWithWhoDidIt()
{
    const qint64 manager = addPerson(QStringLiteral("Morgan"), QStringLiteral("manager"));
    const qint64 priya = addPerson(QStringLiteral("Priya"), QStringLiteral("staff"));
    auto promoted = run(
        [=](QSqlDatabase &db) { return StaffRepo(db).setRole(priya, StaffMember::Role::Manager, manager); });
    QVERIFY2(promoted.ok(), describe(promoted).constData());
    QCOMPARE(promoted->role, StaffMember::Role::Manager);
    QCOMPARE(sql(QStringLiteral("SELECT role FROM staff WHERE id = %1").arg(priya)).toString(),
             QStringLiteral("manager"));
    QCOMPARE(
        sql(QStringLiteral("SELECT details->>'from' || '>' || (details->>'to') FROM audit_log "
                           "WHERE action = 'staff.role_changed' AND entity_id = '%1' AND actor = 'staff:%2'")
                .arg(priya)
                .arg(manager))
            .toString(),
        QStringLiteral("staff>manager"));
    // With a second manager, the first may now step down.
    auto demoted = run(
        [=](QSqlDatabase &db) { return StaffRepo(db).setRole(manager, StaffMember::Role::Staff, priya); });
    QVERIFY2(demoted.ok(), describe(demoted).constData());
    QCOMPARE(audits(QStringLiteral("staff.role_changed"), manager, priya), 1);
}

void TestStaff::theLastActiveManagerCannotBeDeactivatedOrDemoted()
{
    const qint64 manager = addPerson(QStringLiteral("Morgan"), QStringLiteral("manager"));
    // An inactive manager does not count.
    const qint64 former = addPerson(QStringLiteral("Former"), QStringLiteral("manager"));
    sql(QStringLiteral("UPDATE staff SET active = false WHERE id = %1").arg(former));

    auto off = run([=](QSqlDatabase &db) { return StaffRepo(db).setActive(manager, false, manager); });
    QVERIFY(!off.ok());
    QCOMPARE(off.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(off.error().message().contains(u"last active manager"), qPrintable(off.error().message()));
    auto demoted = run(
        [=](QSqlDatabase &db) { return StaffRepo(db).setRole(manager, StaffMember::Role::Staff, manager); });
    QVERIFY(!demoted.ok());
    QCOMPARE(demoted.error().kind(), DbError::Kind::Invalid);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM staff WHERE role = 'manager' AND active")).toInt(), 1);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'staff'")).toInt(), 0);
}

void TestStaff::twoManagersRemovingEachOtherAtOnceLeaveOne()
{
    const qint64 a = addPerson(QStringLiteral("Alex"), QStringLiteral("manager"));
    const qint64 b = addPerson(QStringLiteral("Billie"), QStringLiteral("manager"));
    // A third session holds both managers' rows, so the two changes are
    // provably under way at the same moment when it lets go.
    auto release = std::make_shared<QSemaphore>(0);
    auto locked = std::make_shared<QSemaphore>(0);
    auto holder = m_pool->withConnection(QStringLiteral("hold"), [=](QSqlDatabase &db) {
        Transaction tx(db);
        Sql::exec(db, QStringLiteral("SELECT id FROM staff WHERE id IN (?, ?) FOR UPDATE"), {a, b});
        locked->release();
        release->acquire();
        tx.commit();
    });
    QVERIFY(locked->tryAcquire(1, kNoHangMs));
    auto aRemovesB = m_pool->withConnection(
        QStringLiteral("a"), [=](QSqlDatabase &db) { return StaffRepo(db).setActive(b, false, a); });
    auto bDemotesA = m_pool->withConnection(QStringLiteral("b"), [=](QSqlDatabase &db) {
        return StaffRepo(db).setRole(a, StaffMember::Role::Staff, b);
    });
    QTRY_COMPARE_WITH_TIMEOUT(
        sql(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                           "'Lock' AND application_name = 'tst_staff'"))
            .toInt(),
        2, kNoHangMs);
    release->release();
    QTRY_VERIFY_WITH_TIMEOUT(aRemovesB.isFinished() && bDemotesA.isFinished() && holder.isFinished(),
                             kNoHangMs);
    QVERIFY(holder.result().ok());
    const DbResult<StaffMember> first = aRemovesB.result();
    const DbResult<StaffMember> second = bDemotesA.result();
    QVERIFY2(first.ok() != second.ok(), describe(first) + " / " + describe(second));
    const DbError refused = first.ok() ? second.error() : first.error();
    QCOMPARE(refused.kind(), DbError::Kind::Invalid);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM staff WHERE role = 'manager' AND active")).toInt(), 1);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity = 'staff'")).toInt(), 1);
}

void TestStaff::onlyAnActiveManagerMayChangeStaff()
{
    const qint64 manager = addPerson(QStringLiteral("Morgan"), QStringLiteral("manager"));
    const qint64 sam = addPerson(QStringLiteral("Sam"), QStringLiteral("staff"));
    const qint64 priya = addPerson(QStringLiteral("Priya"), QStringLiteral("staff"));
    auto bySam = run([=](QSqlDatabase &db) { return StaffRepo(db).setActive(priya, false, sam); });
    QVERIFY(!bySam.ok());
    QCOMPARE(bySam.error().kind(), DbError::Kind::Invalid);
    auto unknown
        = run([=](QSqlDatabase &db) { return StaffRepo(db).setActive(sam + priya + 100, false, manager); });
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().kind(), DbError::Kind::NotFound);
    QCOMPARE(sql(QStringLiteral("SELECT bool_and(active) FROM staff")).toBool(), true);
}

QTEST_GUILESS_MAIN(TestStaff)
#include "tst_staff.moc"
