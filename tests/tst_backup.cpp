// carwash-admin backup and restore as an operator uses them, the real binary
// against a real PostgreSQL: a busy database (bookings, payments and their
// audit rows written while pg_dump runs) backed up and restored into a fresh
// one, row for row; a damaged archive and one from a newer schema refused
// before the database is touched; a database with bookings replaced only
// after a typed yes.
#include "db/backup/backupjob.h"
#include "db/bookings/bookingrepo.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/async.h"
#include "tests/customerforgetfixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using AdminProcess::Run;

class TestBackup : public QObject, protected CustomerForgetFixture
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startSite(QStringLiteral("tst_backup"), &error), qPrintable(error));
        QVERIFY(m_folder.isValid());
    }
    void init()
    {
        resetSite();
        m_written = 0;
    }
    void cleanupTestCase() { m_pool.reset(); }

    void aBusyDatabaseRestoresIntoAFreshOneRowForRow();
    void aQuietDatabaseRestoresWhole();
    void aDamagedArchiveIsRefusedBeforeTheDatabaseIsOpened();
    void anArchiveFromANewerSchemaIsRefused();
    void aDatabaseWithBookingsIsReplacedOnlyAfterAYes();
    void anOlderArchiveIsBroughtUpToDateByTheMigrations();
    void aRestoreThatFailsHalfWayLeavesTheDatabaseAsItWas();
    void aPasswordReachesPgDumpAndNothingPrintsIt();

private:
    // One booking through the booking engine (its audit row in the same
    // transaction), then its cash payment (with its own audit row).
    bool writeOne();
    // A digest of table's rows in database, ordered by id, where condition holds.
    QString digest(const QString &database, const QString &table,
                   const QString &condition = QStringLiteral("true"));
    // A new empty database and the environment that points carwash-admin at it.
    QProcessEnvironment freshDatabase(const QString &name);
    QString archivePath(const QString &name) const
    {
        return m_folder.filePath(name + QStringLiteral(".dump"));
    }
    Run backupTo(const QString &archive);
    Run restore(const QProcessEnvironment &env, const QStringList &args, const QByteArray &typed = {});

    QTemporaryDir m_folder;
    int m_written = 0;
};

bool TestBackup::writeOne()
{
    const int i = m_written;
    BookingRequest request;
    request.slot.serviceId = 1;
    request.slot.bayId = 1 + i % 2;
    const QDate day = m_day.addDays(1 + i / 40);
    request.start = QDateTime(day, QTime(8, 0).addSecs(((i / 2) % 20) * 30 * 60), QTimeZone(Zone.toLatin1()));
    request.plate = QStringLiteral("BK%1").arg(i);
    request.name = QStringLiteral("Writer %1").arg(i);
    request.actor = QStringLiteral("staff:1");
    auto made = m_pool
                    ->withConnection(QStringLiteral("book"),
                                     [request](QSqlDatabase &db) { return BookingRepo(db).create(request); })
                    .result();
    if (!made.ok() || !made->isBooked()) {
        qWarning("booking %d failed: %s", i,
                 made.ok() ? "not booked" : qPrintable(made.error().toLogString()));
        return false;
    }
    const qint64 id = made->booking.id;
    auto paid
        = m_pool
              ->withConnection(QStringLiteral("pay"),
                               [id](QSqlDatabase &db) {
                                   return PaymentRepo(db).recordCash(id, 2000, QStringLiteral("staff:1"));
                               })
              .result();
    if (!paid.ok()) {
        qWarning("payment %d failed", i);
        return false;
    }
    ++m_written;
    return true;
}

QString TestBackup::digest(const QString &database, const QString &table, const QString &condition)
{
    QString error;
    const QVariant v = m_cluster.queryBlocking(
        QStringLiteral(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(to_jsonb(t)::text, '|' ORDER BY id)), '') "
            "FROM %1 AS t WHERE %2")
            .arg(table, condition),
        database, &error);
    return error.isEmpty() ? v.toString() : error;
}

QProcessEnvironment TestBackup::freshDatabase(const QString &name)
{
    sql(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(name));
    sql(QStringLiteral("CREATE DATABASE %1").arg(name));
    QProcessEnvironment env = m_env;
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("postgresql://carwash@127.0.0.1:%1/%2?connect_timeout=5&pool_timeout=20")
                   .arg(m_cluster.port())
                   .arg(name));
    return env;
}

Run TestBackup::backupTo(const QString &archive)
{
    return admin({QStringLiteral("backup"), QStringLiteral("--to"), archive, QStringLiteral("--json")});
}

Run TestBackup::restore(const QProcessEnvironment &env, const QStringList &args, const QByteArray &typed)
{
    QProcess *p = AdminProcess::start(QStringList {QStringLiteral("restore")} + args, env, this);
    p->waitForStarted();
    p->write(typed);
    p->closeWriteChannel(); // what a script's empty stdin looks like
    const Run r = AdminProcess::finish(p);
    p->deleteLater();
    return r;
}

void TestBackup::aBusyDatabaseRestoresIntoAFreshOneRowForRow()
{
    const QJsonObject first = book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone, AnnEmail);
    const QJsonObject second = book(QStringLiteral("09:00"), QStringLiteral("CD 456"), AnnName);
    QVERIFY(!first.isEmpty() && !second.isEmpty());
    giveAnnAHistory(first[u"id"].toInteger(),
                    second[u"id"].toInteger()); // card payment, Stripe events, refund
    for (int i = 0; i < 5; ++i)
        QVERIFY(writeOne());
    const int before = m_written;

    // The backup runs while bookings, payments and audit rows keep coming.
    const QString archive = archivePath(QStringLiteral("busy"));
    QProcess *backup = AdminProcess::start(
        {QStringLiteral("backup"), QStringLiteral("--to"), archive, QStringLiteral("--json")}, m_env, this);
    while (backup->state() != QProcess::NotRunning || m_written < before + 10) {
        QVERIFY(writeOne());
        QCoreApplication::processEvents();
    }
    const Run made = AdminProcess::finish(backup);
    QVERIFY2(made.exitCode == 0, made.err.constData());
    const QJsonObject manifest = made.json().object();
    QCOMPARE(manifest[u"archive_path"].toString(), archive);
    QCOMPARE(manifest[u"schema_version"].toString(),
             sql(QStringLiteral("SELECT max(version) FROM schema_migrations")).toString());
    QCOMPARE(manifest[u"size"].toInteger(), QFileInfo(archive).size());
    QVERIFY(QFile::exists(archive + QStringLiteral(".json")));
    // Customers' details are in it: readable by this user alone.
    const QFileDevice::Permissions others
        = QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther;
    QCOMPARE(QFileInfo(archive).permissions() & others, QFileDevice::Permissions());
    QCOMPARE(QFileInfo(archive + QStringLiteral(".json")).permissions() & others, QFileDevice::Permissions());

    const QProcessEnvironment fresh = freshDatabase(QStringLiteral("restored_busy"));
    const Run restored = restore(fresh, {archive, QStringLiteral("--json")});
    QVERIFY2(restored.exitCode == 0, restored.err.constData());
    QCOMPARE(restored.json().object()[u"bookings_replaced"].toInteger(), 0);

    // The archive is one snapshot: the writer commits one after another, so
    // each table restored is exactly the source's rows up to some id, row
    // for row, and every booking restored has its payment and audit rows.
    const qint64 lastBooking
        = m_cluster
              .queryBlocking(QStringLiteral("SELECT max(id) FROM bookings"), QStringLiteral("restored_busy"))
              .toLongLong();
    QVERIFY(lastBooking >= 2 + before); // everything written before the backup started
    qInfo("%d bookings written while the backup ran; %lld of all %d in the archive", m_written - before,
          lastBooking, m_written + 2);
    const QString upToLast = QStringLiteral("id <= %1").arg(lastBooking);
    QCOMPARE(digest(QStringLiteral("restored_busy"), QStringLiteral("bookings")),
             digest(QStringLiteral("carwash"), QStringLiteral("bookings"), upToLast));
    const qint64 lastPayment
        = m_cluster
              .queryBlocking(QStringLiteral("SELECT max(id) FROM payments"), QStringLiteral("restored_busy"))
              .toLongLong();
    QCOMPARE(digest(QStringLiteral("restored_busy"), QStringLiteral("payments")),
             digest(QStringLiteral("carwash"), QStringLiteral("payments"),
                    QStringLiteral("id <= %1").arg(lastPayment)));
    // A payment follows its booking: the snapshot may fall between the two, never before the booking.
    QCOMPARE(m_cluster
                 .queryBlocking(QStringLiteral("SELECT count(*) FROM payments p WHERE NOT EXISTS "
                                               "(SELECT 1 FROM bookings b WHERE b.id = p.booking_id)"),
                                QStringLiteral("restored_busy"))
                 .toInt(),
             0);
    const qint64 lastAudit
        = m_cluster
              .queryBlocking(
                  QStringLiteral("SELECT max(id) FROM audit_log WHERE action <> 'database.restored'"),
                  QStringLiteral("restored_busy"))
              .toLongLong();
    QCOMPARE(digest(QStringLiteral("restored_busy"), QStringLiteral("audit_log"),
                    QStringLiteral("action <> 'database.restored'")),
             digest(QStringLiteral("carwash"), QStringLiteral("audit_log"),
                    QStringLiteral("id <= %1").arg(lastAudit)));
    for (const QString &table :
         {QStringLiteral("refunds"), QStringLiteral("customers"), QStringLiteral("vehicles")}) {
        const qint64 last
            = m_cluster
                  .queryBlocking(QStringLiteral("SELECT coalesce(max(id), 0) FROM %1").arg(table),
                                 QStringLiteral("restored_busy"))
                  .toLongLong();
        QCOMPARE(digest(QStringLiteral("restored_busy"), table),
                 digest(QStringLiteral("carwash"), table, QStringLiteral("id <= %1").arg(last)));
    }

    // Audited as the operator's, naming the archive.
    QCOMPARE(m_cluster
                 .queryBlocking(QStringLiteral("SELECT actor || ' ' || (details->>'archive') FROM audit_log "
                                               "WHERE action = 'database.restored'"),
                                QStringLiteral("restored_busy"))
                 .toString(),
             QStringLiteral("cli ") + archive);
}

void TestBackup::aQuietDatabaseRestoresWhole()
{
    const QJsonObject first = book(QStringLiteral("08:00"), AnnPlate, AnnName, AnnPhone, AnnEmail);
    const QJsonObject second = book(QStringLiteral("09:00"), QStringLiteral("CD 456"), AnnName);
    giveAnnAHistory(first[u"id"].toInteger(), second[u"id"].toInteger());
    for (int i = 0; i < 5; ++i)
        QVERIFY(writeOne());
    const QString archive = archivePath(QStringLiteral("quiet"));
    const Run made = backupTo(archive);
    QVERIFY2(made.exitCode == 0, made.err.constData());
    const QProcessEnvironment fresh = freshDatabase(QStringLiteral("restored_quiet"));
    const Run restored = restore(fresh, {archive});
    QVERIFY2(restored.exitCode == 0, restored.err.constData());
    QVERIFY2(restored.outText().contains(QStringLiteral("Restored ")), restored.out.constData());

    // Every table of the schema, whole.
    const QStringList tables
        = sql(QStringLiteral("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM "
                             "information_schema.tables WHERE table_schema = 'public' AND "
                             "table_type = 'BASE TABLE'"))
              .toString()
              .split(u',');
    QVERIFY(tables.size() > 20);
    for (const QString &table : tables) {
        const QString rows
            = QStringLiteral("SELECT count(*) || ':' || coalesce(md5(string_agg(to_jsonb(t)::text, '|' "
                             "ORDER BY to_jsonb(t)::text)), '') FROM %1 AS t %2");
        const QString skipRestore
            = table == u"audit_log" ? QStringLiteral("WHERE action <> 'database.restored'") : QString();
        QCOMPARE(
            m_cluster.queryBlocking(rows.arg(table, skipRestore), QStringLiteral("restored_quiet")).toString()
                + u' ' + table,
            m_cluster.queryBlocking(rows.arg(table, QString()), QStringLiteral("carwash")).toString() + u' '
                + table);
    }
}

void TestBackup::aDamagedArchiveIsRefusedBeforeTheDatabaseIsOpened()
{
    QVERIFY(!book(QStringLiteral("08:00"), AnnPlate, AnnName).isEmpty());
    const QString archive = archivePath(QStringLiteral("damaged"));
    QVERIFY2(backupTo(archive).exitCode == 0, "backup");
    {
        QFile file(archive);
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(file.size() / 2);
        const char byte = file.peek(1).at(0);
        file.write(QByteArray(1, char(byte ^ 0x5a)));
    }
    // A database nobody listens on: the refusal comes before any connection.
    QProcessEnvironment nowhere = m_env;
    nowhere.insert(QStringLiteral("DATABASE_URL"),
                   QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=2")
                       .arg(PgTestCluster::freePort()));
    const Run refused = restore(nowhere, {archive, QStringLiteral("--replace"), QStringLiteral("--yes")});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.errText().contains(QStringLiteral("damaged or incomplete")), refused.err.constData());

    // A manifest missing, and one describing another archive, likewise.
    QFile::copy(archive + QStringLiteral(".json"), m_folder.filePath(QStringLiteral("lost.json.keep")));
    QVERIFY(QFile::remove(archive + QStringLiteral(".json")));
    const Run noManifest = restore(nowhere, {archive});
    QCOMPARE(noManifest.exitCode, 2);
    QVERIFY2(noManifest.errText().contains(QStringLiteral("no manifest")), noManifest.err.constData());
    QCOMPARE(restore(nowhere, {archivePath(QStringLiteral("never-made"))}).exitCode, 3);
}

void TestBackup::anArchiveFromANewerSchemaIsRefused()
{
    sql(QStringLiteral("INSERT INTO schema_migrations (version, name) VALUES ('9999', 'from_the_future')"));
    const QString archive = archivePath(QStringLiteral("future"));
    const Run made = backupTo(archive);
    sql(QStringLiteral("DELETE FROM schema_migrations WHERE version = '9999'"));
    QVERIFY2(made.exitCode == 0, made.err.constData());
    QCOMPARE(made.json().object()[u"schema_version"].toString(), QStringLiteral("9999"));

    const QProcessEnvironment fresh = freshDatabase(QStringLiteral("restored_future"));
    const Run refused = restore(fresh, {archive});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.errText().contains(QStringLiteral("newer version of CarWash Desk (schema 9999")),
             refused.err.constData());
    QCOMPARE(m_cluster
                 .queryBlocking(QStringLiteral("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
                                               "n.oid = c.relnamespace WHERE n.nspname = 'public'"),
                                QStringLiteral("restored_future"))
                 .toInt(),
             0);
}

void TestBackup::aDatabaseWithBookingsIsReplacedOnlyAfterAYes()
{
    QVERIFY(!book(QStringLiteral("08:00"), AnnPlate, AnnName).isEmpty());
    const QString archive = archivePath(QStringLiteral("replace"));
    QVERIFY2(backupTo(archive).exitCode == 0, "backup");
    const QString atBackup = digest(QStringLiteral("carwash"), QStringLiteral("bookings"));
    QVERIFY(!book(QStringLiteral("09:00"), QStringLiteral("LATE 1"), QStringLiteral("Late Comer")).isEmpty());
    const QString now = digest(QStringLiteral("carwash"), QStringLiteral("bookings"));
    QVERIFY(now != atBackup);

    const Run withoutReplace = restore(m_env, {archive});
    QCOMPARE(withoutReplace.exitCode, 1);
    QVERIFY2(withoutReplace.errText().contains(QStringLiteral("holds 2 booking")),
             withoutReplace.err.constData());
    QVERIFY2(withoutReplace.errText().contains(QStringLiteral("--replace")), withoutReplace.err.constData());
    const Run notConfirmed = restore(m_env, {archive, QStringLiteral("--replace")});
    QCOMPARE(notConfirmed.exitCode, 1);
    QVERIFY2(notConfirmed.errText().contains(QStringLiteral("Not confirmed")), notConfirmed.err.constData());
    const Run saidNo
        = restore(m_env, {archive, QStringLiteral("--replace"), QStringLiteral("--json")}, "no\n");
    QCOMPARE(saidNo.exitCode, 1);
    QCOMPARE(saidNo.json().object()[u"error"][u"kind"].toString(), QStringLiteral("refused"));
    QCOMPARE(digest(QStringLiteral("carwash"), QStringLiteral("bookings")), now);
    QCOMPARE(restore(m_env, {archive, QStringLiteral("--yes")}).exitCode, 2); // --yes alone means nothing

    const Run replaced
        = restore(m_env, {archive, QStringLiteral("--replace"), QStringLiteral("--json")}, "yes\n");
    QVERIFY2(replaced.exitCode == 0, replaced.err.constData());
    QCOMPARE(replaced.json().object()[u"bookings_replaced"].toInteger(), 2);
    QCOMPARE(digest(QStringLiteral("carwash"), QStringLiteral("bookings")), atBackup);
    m_pool = std::make_unique<ConnectionPool>(m_cluster.config(QStringLiteral("tst_backup")));
}

void TestBackup::anOlderArchiveIsBroughtUpToDateByTheMigrations()
{
    // A database as the version before this one left it: every migration
    // but the newest, from the same files, with its schema_migrations rows.
    freshDatabase(QStringLiteral("older_site"));
    QStringList files = QDir(QStringLiteral(":/migrations")).entryList(QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 2);
    const QString newest = files.takeLast().left(4);
    QString error;
    m_cluster.queryBlocking(
        QStringLiteral("CREATE TABLE schema_migrations (version text PRIMARY KEY, name text NOT "
                       "NULL DEFAULT '', applied_at timestamptz NOT NULL DEFAULT now())"),
        QStringLiteral("older_site"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const QString &file : std::as_const(files)) {
        QFile script(QStringLiteral(":/migrations/") + file);
        QVERIFY(script.open(QIODevice::ReadOnly));
        m_cluster.queryBlocking(QString::fromUtf8(script.readAll()), QStringLiteral("older_site"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(file + u' ' + error));
        m_cluster.queryBlocking(
            QStringLiteral("INSERT INTO schema_migrations (version) VALUES ('%1')").arg(file.left(4)),
            QStringLiteral("older_site"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QProcessEnvironment older = m_env;
    older.insert(QStringLiteral("DATABASE_URL"),
                 QStringLiteral("postgresql://carwash@127.0.0.1:%1/older_site?connect_timeout=5")
                     .arg(m_cluster.port()));
    const QString archive = archivePath(QStringLiteral("older"));
    const Run made = AdminProcess::run(
        {QStringLiteral("backup"), QStringLiteral("--to"), archive, QStringLiteral("--json")}, older);
    QVERIFY2(made.exitCode == 0, made.err.constData());
    QCOMPARE(made.json().object()[u"schema_version"].toString(), files.last().left(4)); // backed up as it was

    const QProcessEnvironment fresh = freshDatabase(QStringLiteral("older_restored"));
    const Run restored = restore(fresh, {archive, QStringLiteral("--json")});
    QVERIFY2(restored.exitCode == 0, restored.err.constData());
    QCOMPARE(restored.json().object()[u"migrations_applied"].toArray(), QJsonArray {newest});
    QCOMPARE(m_cluster
                 .queryBlocking(QStringLiteral("SELECT max(version) FROM schema_migrations"),
                                QStringLiteral("older_restored"))
                 .toString(),
             newest);
}

void TestBackup::aRestoreThatFailsHalfWayLeavesTheDatabaseAsItWas()
{
    QVERIFY(!book(QStringLiteral("08:00"), AnnPlate, AnnName).isEmpty());
    QVERIFY(!book(QStringLiteral("09:00"), QStringLiteral("CD 456"), AnnName).isEmpty());
    const QString archive = archivePath(QStringLiteral("halfway"));
    QVERIFY2(backupTo(archive).exitCode == 0, "backup");
    // A site with bookings of its own, where the server refuses the
    // archive's audit_log table: the restore dies after it has dropped the
    // old tables and made many new ones.
    const QProcessEnvironment site = freshDatabase(QStringLiteral("halfway_site"));
    QVERIFY(restore(site, {archive}).exitCode == 0);
    QString error;
    m_cluster.queryBlocking(QStringLiteral("DELETE FROM bookings WHERE id = 1"),
                            QStringLiteral("halfway_site"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString before = digest(QStringLiteral("halfway_site"), QStringLiteral("bookings"));
    const QString tablesBefore
        = m_cluster
              .queryBlocking(QStringLiteral("SELECT string_agg(relname, ',' ORDER BY relname) "
                                            "FROM pg_stat_user_tables"),
                             QStringLiteral("halfway_site"))
              .toString();
    m_cluster.queryBlocking(
        QStringLiteral(
            "CREATE SCHEMA guard; CREATE FUNCTION guard.refuse() RETURNS event_trigger LANGUAGE plpgsql "
            "AS $$ BEGIN IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() "
            "WHERE object_identity = 'public.audit_log') THEN RAISE EXCEPTION 'disk full (test)'; "
            "END IF; END $$; CREATE EVENT TRIGGER refuse_audit ON ddl_command_end "
            "WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION guard.refuse()"),
        QStringLiteral("halfway_site"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const Run failed = restore(site, {archive, QStringLiteral("--replace"), QStringLiteral("--yes")});
    QCOMPARE(failed.exitCode, 1);
    QVERIFY2(failed.errText().contains(QStringLiteral("rolled back")), failed.err.constData());
    QVERIFY2(failed.errText().contains(QStringLiteral("disk full (test)")), failed.err.constData());
    QCOMPARE(digest(QStringLiteral("halfway_site"), QStringLiteral("bookings")), before);
    QCOMPARE(
        m_cluster
            .queryBlocking(
                QStringLiteral("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_stat_user_tables"),
                QStringLiteral("halfway_site"))
            .toString(),
        tablesBefore);
    QCOMPARE(m_cluster
                 .queryBlocking(
                     QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'database.restored'"),
                     QStringLiteral("halfway_site"))
                 .toInt(),
             1); // the first restore's only
}

void TestBackup::aPasswordReachesPgDumpAndNothingPrintsIt()
{
    // An operator whose password the server asks for (scram-sha-256): the
    // password goes to pg_dump in its environment.
    const QString password = QStringLiteral("Tr0ub4dor-and-3");
    sql(QStringLiteral("DROP ROLE IF EXISTS backup_operator"));
    sql(QStringLiteral("CREATE ROLE backup_operator LOGIN PASSWORD '%1' IN ROLE pg_read_all_data")
            .arg(password));
    QString error;
    QVERIFY2(m_cluster.setHostRules({QStringLiteral("host all carwash 127.0.0.1/32 trust"),
                                     QStringLiteral("host all backup_operator 127.0.0.1/32 scram-sha-256")},
                                    &error),
             qPrintable(error));
    QProcessEnvironment operatorEnv = m_env;
    operatorEnv.insert(
        QStringLiteral("DATABASE_URL"),
        QStringLiteral("postgresql://backup_operator:%1@127.0.0.1:%2/carwash?connect_timeout=5")
            .arg(password)
            .arg(m_cluster.port()));
    const QString archive = archivePath(QStringLiteral("password"));
    const Run made
        = AdminProcess::run({QStringLiteral("backup"), QStringLiteral("--to"), archive}, operatorEnv);
    const Run withJson
        = AdminProcess::run({QStringLiteral("backup"), QStringLiteral("--to"),
                             archivePath(QStringLiteral("password-json")), QStringLiteral("--json")},
                            operatorEnv);
    QVERIFY(m_cluster.setHostRules({QStringLiteral("host all all 127.0.0.1/32 trust")}, &error));
    QVERIFY2(made.exitCode == 0, made.err.constData());
    QVERIFY2(withJson.exitCode == 0, withJson.err.constData());
    QCOMPARE(withJson.json().object()[u"database"].toString(), QStringLiteral("carwash"));
    const DbResult<BackupFile> verified = BackupJob::verifyBlocking(archive);
    QVERIFY2(verified.ok(), qPrintable(verified.error().toLogString()));
    for (const QByteArray &text : {made.out, made.err, withJson.out, withJson.err})
        QVERIFY2(!text.contains(password.toUtf8()), text.constData());
    QFile manifest(archive + QStringLiteral(".json"));
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    QVERIFY(!manifest.readAll().contains(password.toUtf8()));
}

QTEST_GUILESS_MAIN(TestBackup)
#include "tst_backup.moc"
