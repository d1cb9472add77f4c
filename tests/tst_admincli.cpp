// carwash-admin as an operator or a script uses it: real processes against a
// real PostgreSQL, and the embedded default from an empty HOME.
#include "db/staff/pinhash.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/pgtestcluster.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using AdminProcess::Run;

class TestAdminCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void migrateTwiceIsANoOp();
    void twoProcessesMigratingAtOnceBothSucceed();
    void seedDemoFillsACarWashOnce();
    void servicesAndServiceById();
    void unknownServiceExitsThree();
    void badArgumentsExitTwo_data();
    void badArgumentsExitTwo();
    void healthReportsHealthyWithoutThePassword();
    void healthReportsUnhealthyWhenTheServerIsDown();
    void badConfigurationIsRefusedNamingTheSetting_data();
    void badConfigurationIsRefusedNamingTheSetting();
    void configShowsTheStatementTimeoutAndWhereItCameFrom();
    void embeddedDefaultFromAnEmptyHome();
    void staffListAndAForgottenManagerPinResetFromTheShell();

private:
    Run admin(const QStringList &args, const QProcessEnvironment &env);
    QProcessEnvironment envFor(const QString &database) const;

    PgTestCluster m_cluster;
};

void TestAdminCli::initTestCase()
{
    QVERIFY2(QFileInfo::exists(AdminProcess::path()), qPrintable(AdminProcess::path()));
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    m_cluster.queryBlocking(QStringLiteral("CREATE DATABASE race"));
    m_cluster.queryBlocking(QStringLiteral("CREATE DATABASE fresh"));
}

QProcessEnvironment TestAdminCli::envFor(const QString &database) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("postgresql://carwash:s3cr3t-pw@127.0.0.1:%1/%2?connect_timeout=3&pool_timeout=5")
                   .arg(m_cluster.port())
                   .arg(database));
    return env;
}

Run TestAdminCli::admin(const QStringList &args, const QProcessEnvironment &env)
{
    return AdminProcess::run(args, env);
}

void TestAdminCli::migrateTwiceIsANoOp()
{
    const Run first = admin({QStringLiteral("migrate"), QStringLiteral("--json")}, envFor(QStringLiteral("fresh")));
    QCOMPARE(first.exitCode, 0);
    const QJsonArray applied = first.json()[u"applied"].toArray();
    QVERIFY2(!applied.isEmpty(), first.out.constData());
    QCOMPARE(applied.first().toString(), first.json()[u"applied"][0].toString());

    const Run second = admin({QStringLiteral("migrate"), QStringLiteral("--json")}, envFor(QStringLiteral("fresh")));
    QCOMPARE(second.exitCode, 0);
    QVERIFY(second.json()[u"applied"].toArray().isEmpty());
    QCOMPARE(second.json()[u"version"].toString(), first.json()[u"version"].toString());
}

void TestAdminCli::twoProcessesMigratingAtOnceBothSucceed()
{
    QList<QProcess *> processes;
    for (int i = 0; i < 3; ++i)
        processes << AdminProcess::start({QStringLiteral("migrate"), QStringLiteral("--json")},
                                         envFor(QStringLiteral("race")), this);
    int appliedTotal = 0;
    for (QProcess *p : processes) {
        const Run r = AdminProcess::finish(p);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        appliedTotal += int(r.json()[u"applied"].toArray().size());
    }
    // Exactly one process applied each migration; the others found it done.
    const int versions = m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM schema_migrations"),
                                                 QStringLiteral("race"))
                             .toInt();
    QVERIFY(versions >= 1);
    QCOMPARE(appliedTotal, versions);
}

void TestAdminCli::seedDemoFillsACarWashOnce()
{
    const Run seeded = admin({QStringLiteral("seed"), QStringLiteral("--demo"), QStringLiteral("--json")},
                             envFor(QStringLiteral("carwash")));
    QVERIFY2(seeded.exitCode == 0, seeded.err.constData());
    QCOMPARE(seeded.json()[u"already_seeded"].toBool(), false);
    const QJsonArray staff = seeded.json()[u"staff"].toArray();
    QCOMPARE(staff.size(), 3);
    int managers = 0;
    for (const QJsonValue &s : staff) {
        QVERIFY(QRegularExpression(QStringLiteral("^\\d{6}$")).match(s[u"pin"].toString()).hasMatch());
        managers += s[u"role"].toString() == u"manager";
    }
    QCOMPARE(managers, 1);
    // PINs are stored stretched, never in clear.
    const QString pin = staff.first()[u"pin"].toString();
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT count(*) FROM staff WHERE pin_hash LIKE '%%1%'").arg(pin),
                                     QStringLiteral("carwash"))
                 .toInt(),
             0);

    const Run again = admin({QStringLiteral("seed"), QStringLiteral("--demo"), QStringLiteral("--json")},
                            envFor(QStringLiteral("carwash")));
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.json()[u"already_seeded"].toBool(), true);
    QVERIFY(again.json()[u"staff"].toArray().isEmpty());
}

void TestAdminCli::servicesAndServiceById()
{
    const Run list = admin({QStringLiteral("services"), QStringLiteral("--json")}, envFor(QStringLiteral("carwash")));
    QVERIFY2(list.exitCode == 0, list.err.constData());
    const QJsonArray services = list.json().array();
    QVERIFY(services.size() >= 4);
    for (const QJsonValue &s : services) {
        QVERIFY(s[u"id"].toInteger() > 0);
        QVERIFY(!s[u"name"].toString().isEmpty());
        QVERIFY(s[u"duration_minutes"].toInt() > 0);
        const QJsonObject prices = s[u"price_cents"].toObject();
        for (const char *vehicle : {"car", "suv", "truck"})
            QVERIFY2(prices.value(QLatin1String(vehicle)).toInteger() > 0, vehicle);
    }
    const qint64 id = services.at(1)[u"id"].toInteger();
    const Run one = admin({QStringLiteral("service"), QString::number(id), QStringLiteral("--json")},
                          envFor(QStringLiteral("carwash")));
    QCOMPARE(one.exitCode, 0);
    QCOMPARE(one.json()[u"id"].toInteger(), id);
    QCOMPARE(one.json()[u"name"].toString(), services.at(1)[u"name"].toString());

    const Run text = admin({QStringLiteral("services")}, envFor(QStringLiteral("carwash")));
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains(services.at(0)[u"name"].toString().toUtf8()));
}

void TestAdminCli::unknownServiceExitsThree()
{
    const Run r = admin({QStringLiteral("service"), QStringLiteral("999999")}, envFor(QStringLiteral("carwash")));
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains("999999"), r.err.constData());
}

void TestAdminCli::badArgumentsExitTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no command") << QStringList() << QStringLiteral("Usage");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << QStringLiteral("frobnicate");
    QTest::newRow("service without id") << QStringList{QStringLiteral("service")} << QStringLiteral("ID");
    QTest::newRow("service with text id") << QStringList{QStringLiteral("service"), QStringLiteral("abc")}
                                          << QStringLiteral("ID");
    QTest::newRow("service with negative id") << QStringList{QStringLiteral("service"), QStringLiteral("-4")}
                                              << QStringLiteral("ID");
    QTest::newRow("service with SQL") << QStringList{QStringLiteral("service"), QStringLiteral("1; DROP TABLE services")}
                                      << QStringLiteral("ID");
    QTest::newRow("seed without --demo") << QStringList{QStringLiteral("seed")} << QStringLiteral("--demo");
    QTest::newRow("db without action") << QStringList{QStringLiteral("db")} << QStringLiteral("start|stop|status");
}

void TestAdminCli::badArgumentsExitTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const Run r = admin(args, envFor(QStringLiteral("carwash")));
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
    QCOMPARE(m_cluster.queryBlocking(QStringLiteral("SELECT to_regclass('services') IS NOT NULL"),
                                     QStringLiteral("carwash"))
                 .toBool(),
             true);
}

void TestAdminCli::healthReportsHealthyWithoutThePassword()
{
    const Run r = admin({QStringLiteral("health"), QStringLiteral("--json")}, envFor(QStringLiteral("carwash")));
    QVERIFY2(r.exitCode == 0, r.out.constData());
    const QJsonObject j = r.json().object();
    QCOMPARE(j[u"status"].toString(), QStringLiteral("healthy"));
    QCOMPARE(j[u"database"][u"reachable"].toBool(), true);
    QVERIFY(j[u"database"][u"server_version"].toString().startsWith(u"15"));
    for (const char *key : {"max", "total", "active", "idle", "waiting", "usage_pct", "timeouts"})
        QVERIFY2(j[u"pool"].toObject().contains(QLatin1String(key)), key);
    for (const char *key : {"count", "avg_ms", "p95_ms", "error_rate_pct"})
        QVERIFY2(j[u"queries"].toObject().contains(QLatin1String(key)), key);
    QVERIFY(j[u"slow_queries"].isArray());
    QVERIFY(j[u"recent_errors"].isArray());
    QVERIFY(j[u"alerts"].isArray());
    QVERIFY(j[u"memory"][u"rss_bytes"].toInteger() > 0);
    const QJsonObject config = j[u"config"].toObject();
    for (const char *key : {"database_url", "connection_limit", "pool_timeout_s", "connect_timeout_s",
                            "statement_timeout_s", "pgbouncer", "monitoring", "slow_query_threshold_ms",
                            "max_query_history"})
        QVERIFY2(config.contains(QLatin1String(key)), key);
    QCOMPARE(config[u"pool_timeout_s"].toDouble(), 5.0);
    QCOMPARE(config[u"statement_timeout_s"].toDouble(), 30.0);
    QVERIFY(!r.out.contains("s3cr3t-pw"));
    QVERIFY(!r.err.contains("s3cr3t-pw"));
    QVERIFY(config[u"database_url"].toString().contains(u"carwash:***@"));
}

void TestAdminCli::healthReportsUnhealthyWhenTheServerIsDown()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // A port nobody listens on: the cluster's port + 1 is free often enough,
    // so take one we know is closed: bind, read the port, close.
    const int closedPort = PgTestCluster::freePort();
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("postgresql://carwash:s3cr3t-pw@127.0.0.1:%1/carwash?connect_timeout=2").arg(closedPort));
    const Run r = admin({QStringLiteral("health"), QStringLiteral("--json")}, env);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.json()[u"status"].toString(), QStringLiteral("unhealthy"));
    QCOMPARE(r.json()[u"database"][u"reachable"].toBool(), false);
    QVERIFY(!r.json()[u"alerts"].toArray().isEmpty());
    QVERIFY(!r.out.contains("s3cr3t-pw"));
    QVERIFY(!r.err.contains("s3cr3t-pw"));

    const Run services = admin({QStringLiteral("services")}, env);
    QCOMPARE(services.exitCode, 4);
    QVERIFY2(services.err.contains("unavailable"), services.err.constData());
}

void TestAdminCli::badConfigurationIsRefusedNamingTheSetting_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("connection_limit=abc") << QStringLiteral("DATABASE_URL")
                                          << QStringLiteral("postgresql://u:pw@h/d?connection_limit=abc")
                                          << QStringLiteral("connection_limit");
    QTest::newRow("negative limit") << QStringLiteral("DB_MAX_CONNECTIONS") << QStringLiteral("-2")
                                    << QStringLiteral("DB_MAX_CONNECTIONS");
    QTest::newRow("unknown scheme") << QStringLiteral("DATABASE_URL") << QStringLiteral("mysql://u:pw@h/d")
                                    << QStringLiteral("scheme");
    QTest::newRow("negative statement timeout") << QStringLiteral("DB_STATEMENT_TIMEOUT") << QStringLiteral("-1")
                                                << QStringLiteral("DB_STATEMENT_TIMEOUT");
}

void TestAdminCli::configShowsTheStatementTimeoutAndWhereItCameFrom()
{
    QProcessEnvironment env = envFor(QStringLiteral("carwash"));
    env.insert(QStringLiteral("DB_STATEMENT_TIMEOUT"), QStringLiteral("12"));
    const Run r = admin({QStringLiteral("config"), QStringLiteral("--json")}, env);
    QCOMPARE(r.exitCode, 0);
    const QJsonObject setting = r.json()[u"settings"][u"statement_timeout"].toObject();
    QCOMPARE(setting[u"value"].toString(), QStringLiteral("12"));
    QCOMPARE(setting[u"source"].toString(), QStringLiteral("environment"));

    env.remove(QStringLiteral("DB_STATEMENT_TIMEOUT"));
    const Run text = admin({QStringLiteral("config")}, env);
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("statement_timeout"), text.out.constData());
}

void TestAdminCli::badConfigurationIsRefusedNamingTheSetting()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, mentions);
    QProcessEnvironment env = envFor(QStringLiteral("carwash"));
    env.insert(variable, value);
    const Run r = admin({QStringLiteral("services")}, env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(mentions), r.err.constData());
    QVERIFY(!r.err.contains(":pw@"));
}

void TestAdminCli::embeddedDefaultFromAnEmptyHome()
{
    QTemporaryDir home(QStringLiteral("/tmp/carwash-home-XXXXXX"));
    QVERIFY(home.isValid());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &var : {QStringLiteral("DATABASE_URL"), QStringLiteral("XDG_DATA_HOME"),
                               QStringLiteral("XDG_CONFIG_HOME"), QStringLiteral("DB_MAX_CONNECTIONS")})
        env.remove(var);
    env.insert(QStringLiteral("HOME"), home.path());

    auto stopServer = qScopeGuard([&] { admin({QStringLiteral("db"), QStringLiteral("stop")}, env); });

    const Run health = admin({QStringLiteral("health"), QStringLiteral("--json")}, env);
    QVERIFY2(health.exitCode == 0, (health.out + health.err).constData());
    QCOMPARE(health.json()[u"status"].toString(), QStringLiteral("healthy"));
    QCOMPARE(health.json()[u"config"][u"embedded"].toBool(), true);

    const Run status = admin({QStringLiteral("db"), QStringLiteral("status"), QStringLiteral("--json")}, env);
    QCOMPARE(status.exitCode, 0);
    QCOMPARE(status.json()[u"running"].toBool(), true);
    const QString dataDir = status.json()[u"data_directory"].toString();
    QFile pidFile(QDir(dataDir).filePath(QStringLiteral("postmaster.pid")));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const QByteArray serverPid = pidFile.readLine().trimmed();
    pidFile.close();

    // A second program reuses the running server: same postmaster.
    const Run seed = admin({QStringLiteral("seed"), QStringLiteral("--demo"), QStringLiteral("--json")}, env);
    QVERIFY2(seed.exitCode == 0, seed.err.constData());
    const Run services = admin({QStringLiteral("services"), QStringLiteral("--json")}, env);
    QCOMPARE(services.exitCode, 0);
    QVERIFY(services.json().array().size() >= 4);
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    QCOMPARE(pidFile.readLine().trimmed(), serverPid);
    pidFile.close();

    const Run stop = admin({QStringLiteral("db"), QStringLiteral("stop")}, env);
    QCOMPARE(stop.exitCode, 0);
    const Run after = admin({QStringLiteral("db"), QStringLiteral("status"), QStringLiteral("--json")}, env);
    QCOMPARE(after.exitCode, 1);
    QCOMPARE(after.json()[u"running"].toBool(), false);

    // Under root the cluster lives outside HOME (postgres cannot enter it):
    // remove it so repeated runs leave nothing behind.
    if (!dataDir.startsWith(home.path()))
        QDir(QFileInfo(dataDir).absolutePath()).removeRecursively();
}

void TestAdminCli::staffListAndAForgottenManagerPinResetFromTheShell()
{
    m_cluster.queryBlocking(QStringLiteral("CREATE DATABASE staffcli"));
    const QProcessEnvironment env = envFor(QStringLiteral("staffcli"));
    QCOMPARE(admin({QStringLiteral("seed"), QStringLiteral("--demo")}, env).exitCode, 0);
    auto sql
        = [this](const QString &text) { return m_cluster.queryBlocking(text, QStringLiteral("staffcli")); };
    // Two people a first name does not tell apart.
    sql(QStringLiteral(
        "INSERT INTO staff (name, role, pin_hash) VALUES ('Sam Ortiz', 'staff', 'pbkdf2-sha256$x'), "
        "('Sam Weller', 'staff', 'pbkdf2-sha256$x')"));

    const Run listed
        = admin({QStringLiteral("staff"), QStringLiteral("list"), QStringLiteral("--json")}, env);
    QVERIFY2(listed.exitCode == 0, listed.err.constData());
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &p : listed.json().array())
        byName.insert(p[u"name"].toString(), p.toObject());
    QCOMPARE(byName.size(), 5);
    QCOMPARE(byName[QStringLiteral("Morgan Lee")][u"role"].toString(), QStringLiteral("manager"));
    QCOMPARE(byName[QStringLiteral("Morgan Lee")][u"active"].toBool(), true);
    QVERIFY(!listed.out.contains("pbkdf2"));
    const Run text = admin({QStringLiteral("staff"), QStringLiteral("list")}, env);
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("Morgan Lee") && text.out.contains("manager"), text.out.constData());

    // The manager forgot the PIN and is locked out: a new one, printed once, works.
    const qint64 morgan = byName[QStringLiteral("Morgan Lee")][u"id"].toInteger();
    sql(QStringLiteral("UPDATE staff SET failed_attempts = 5, locked_until = now() + interval '5 minutes' "
                       "WHERE id = %1")
            .arg(morgan));
    const Run reset = admin({QStringLiteral("staff"), QStringLiteral("reset-pin"),
                             QStringLiteral("morgan lee"), QStringLiteral("--json")},
                            env);
    QVERIFY2(reset.exitCode == 0, reset.err.constData());
    const QString pin = reset.json()[u"pin"].toString();
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{6}$")).match(pin).hasMatch(), reset.out.constData());
    QCOMPARE(reset.json()[u"id"].toInteger(), morgan);
    QVERIFY(PinHash::verify(
        pin, sql(QStringLiteral("SELECT pin_hash FROM staff WHERE id = %1").arg(morgan)).toString()));
    QCOMPARE(
        sql(QStringLiteral("SELECT locked_until IS NULL AND failed_attempts = 0 FROM staff WHERE id = %1")
                .arg(morgan))
            .toBool(),
        true);
    QCOMPARE(sql(QStringLiteral(
                     "SELECT count(*) FROM audit_log WHERE action = 'staff.pin_reset' AND actor = 'cli' "
                     "AND entity = 'staff' AND entity_id = '%1'")
                     .arg(morgan))
                 .toInt(),
             1);
    // In words, the PIN once.
    const Run again
        = admin({QStringLiteral("staff"), QStringLiteral("reset-pin"), QStringLiteral("Morgan Lee")}, env);
    QCOMPARE(again.exitCode, 0);
    const QRegularExpressionMatch printed
        = QRegularExpression(QStringLiteral("New PIN for Morgan Lee \\(manager\\): (\\d{6})"))
              .match(QString::fromUtf8(again.out));
    QVERIFY2(printed.hasMatch(), again.out.constData());
    QCOMPARE(again.out.count(printed.captured(1).toUtf8()), 1);
    QVERIFY(PinHash::verify(
        printed.captured(1),
        sql(QStringLiteral("SELECT pin_hash FROM staff WHERE id = %1").arg(morgan)).toString()));

    // Nobody of that name: 3, nothing changed.
    const Run unknown
        = admin({QStringLiteral("staff"), QStringLiteral("reset-pin"), QStringLiteral("Nobody")}, env);
    QCOMPARE(unknown.exitCode, 3);
    QVERIFY2(unknown.err.contains("Nobody"), unknown.err.constData());

    // "Sam" is three people (the demo's Sam Rivera too): 2, all named, nothing changed.
    const Run ambiguous = admin({QStringLiteral("staff"), QStringLiteral("reset-pin"), QStringLiteral("Sam"),
                                 QStringLiteral("--json")},
                                env);
    QCOMPARE(ambiguous.exitCode, 2);
    QVERIFY2(ambiguous.err.contains("Sam Ortiz") && ambiguous.err.contains("Sam Weller")
                 && ambiguous.err.contains("Sam Rivera"),
             ambiguous.err.constData());
    QCOMPARE(ambiguous.json()[u"candidates"].toArray().size(), 3);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM staff WHERE pin_hash = 'pbkdf2-sha256$x'")).toInt(), 2);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'staff.pin_reset'")).toInt(),
             2);
    // A whole name picks one person even when it is part of no other's.
    const Run whole
        = admin({QStringLiteral("staff"), QStringLiteral("reset-pin"), QStringLiteral("Sam Weller")}, env);
    QCOMPARE(whole.exitCode, 0);

    QCOMPARE(admin({QStringLiteral("staff"), QStringLiteral("reset-pin")}, env).exitCode, 2);
}

QTEST_GUILESS_MAIN(TestAdminCli)
#include "tst_admincli.moc"
