// carwash-admin site init and site join as an administrator runs them: the
// real binary (as root, which acts as the postgres user towards the cluster)
// against a real PostgreSQL the test starts. init makes the role and the
// database, migrates it so everything in it belongs to the role, lets a desk
// user in (their own login role acts as the site's), and writes the site's
// config file without any password; a second run changes nothing and says
// so; the programs then find the database through that file alone. Anyone
// but root or postgres is refused, a file naming another database is left
// alone, bad options are named. join keeps only a connection that works,
// and never its password in the file; a normal user's join goes to their
// own settings, and without a keychain for the password keeps nothing.
#include "db/config/siteconfigfile.h"
#include "db/schema/migrator.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/pgtestcluster.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <pwd.h>
#include <unistd.h>

using AdminProcess::Run;

class TestSiteInit : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void initMakesTheRoleAndDatabaseMigratesItAndWritesTheConnection();
    void theProgramsFindTheSiteDatabaseThroughTheFileAlone();
    void aSecondRunChangesNothingAndSaysSo();
    void anotherDeskUserIsLetInByALaterRun();
    void aFileNamingAnotherDatabaseIsLeftAloneAndNothingIsMade();
    void anyoneButRootOrPostgresIsRefused();
    void badOptionsAreNamed_data();
    void badOptionsAreNamed();
    void joinKeepsAWorkingConnectionWithoutItsPassword();
    void joinKeepsNothingOfAConnectionThatFails();
    void joinAsANormalUserKeepsTheConnectionInTheirSettings();
    void joinAsANormalUserWithoutAKeychainKeepsNothing();

private:
    // carwash-admin as the user nobody, at home in a folder of its own, with
    // no D-Bus session (so no keychain).
    Run asNobody(const QStringList &args, const QString &home) const;
    // A home folder for nobody inside dir (made readable for it, unlike
    // m_dir); empty when it cannot be made.
    static QString nobodyHome(const QTemporaryDir &dir);
    // The test's own environment without DATABASE_URL, the site's file at path,
    // settings and data folders of the test's own.
    QProcessEnvironment environment(const QString &path) const;
    Run admin(const QStringList &args, const QString &path) const
    {
        return AdminProcess::run(args, environment(path));
    }
    QStringList initArgs(const QString &name) const
    {
        return {QStringLiteral("site"),   QStringLiteral("init"),
                QStringLiteral("--host"), m_cluster.socketDirectory(),
                QStringLiteral("--port"), QString::number(m_cluster.port()),
                QStringLiteral("--name"), name};
    }
    QString siteUrl(const QString &name) const
    {
        return QStringLiteral("postgresql://%1:%2/%3")
            .arg(QString::fromUtf8(QUrl::toPercentEncoding(m_cluster.socketDirectory())),
                 QString::number(m_cluster.port()), name);
    }
    QVariant sql(const QString &statement, const QString &database = QStringLiteral("postgres"))
    {
        QString error;
        const QVariant value = m_cluster.queryBlocking(statement, database, &error);
        if (!error.isEmpty())
            qWarning("%s", qPrintable(error));
        return value;
    }
    QByteArray fileBytes(const QString &path) const
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    PgTestCluster m_cluster;
    QTemporaryDir m_dir;
    QString m_sitePath;
};

QProcessEnvironment TestSiteInit::environment(const QString &path) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DATABASE_URL"));
    env.insert(QStringLiteral("CARWASH_SITE_CONFIG"), path);
    env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("home/.config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("home/.local/share")));
    return env;
}

void TestSiteInit::initTestCase()
{
    QVERIFY2(::geteuid() == 0, "site init acts as the postgres user: the test runs as root, as CI does");
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    // Debian's cluster has its superuser postgres; the harness's has carwash.
    QVERIFY(sql(QStringLiteral("CREATE ROLE postgres SUPERUSER LOGIN")).isNull());
    QCOMPARE(sql(QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = 'postgres'")).toBool(), true);
    m_sitePath = m_dir.filePath(QStringLiteral("etc/carwash-desk/database.conf"));
}

void TestSiteInit::initMakesTheRoleAndDatabaseMigratesItAndWritesTheConnection()
{
    const Run r
        = admin(initArgs(QStringLiteral("site_a"))
                    << QStringLiteral("--allow") << QStringLiteral("root") << QStringLiteral("--json"),
                m_sitePath);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject out = r.json().object();
    QCOMPARE(out[u"already_done"].toBool(true), false);
    QCOMPARE(out[u"role"][u"name"].toString(), QStringLiteral("site_a"));
    QCOMPARE(out[u"role"][u"created"].toBool(), true);
    QCOMPARE(out[u"database"][u"created"].toBool(), true);
    const QJsonArray applied = out[u"migrations_applied"].toArray();
    QVERIFY(!applied.isEmpty());
    QCOMPARE(applied.first().toString(), QStringLiteral("0001"));
    QCOMPARE(applied.last().toString(), Migrator::latestVersion());
    QCOMPARE(out[u"allowed"].toArray(),
             QJsonArray({QJsonObject {{QStringLiteral("user"), QStringLiteral("root")},
                                      {QStringLiteral("changed"), true}}}));
    QCOMPARE(out[u"config_file"][u"path"].toString(), m_sitePath);
    QCOMPARE(out[u"config_file"][u"written"].toBool(), true);
    QCOMPARE(out[u"database_url"].toString(), siteUrl(QStringLiteral("site_a")));

    // A login role without a password, no superuser; the database is its own.
    QCOMPARE(
        sql(QStringLiteral("SELECT rolcanlogin AND NOT rolsuper AND NOT rolcreaterole AND NOT rolcreatedb "
                           "AND rolpassword IS NULL FROM pg_authid WHERE rolname = 'site_a'"))
            .toBool(),
        true);
    QCOMPARE(sql(QStringLiteral("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'site_a'"))
                 .toString(),
             QStringLiteral("site_a"));
    // Every table, sequence, view and function the migrations made belongs to
    // the role (not an extension's, nor a range type's constructors, which
    // PostgreSQL itself gives to the cluster's bootstrap superuser).
    const QString site = QStringLiteral("site_a");
    QCOMPARE(sql(QStringLiteral("SELECT max(version) FROM schema_migrations"), site).toString(),
             Migrator::latestVersion());
    QVERIFY(
        sql(QStringLiteral("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = 'public'"),
            site)
            .toInt()
        > 20);
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(c.relname, ', ') FROM pg_class c "
                                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) <> 'site_a'"),
                 site)
                 .toString(),
             QString());
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(p.proname || ' of ' || pg_get_userbyid(p.proowner), ', ') "
                                "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                                "WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> 'site_a' "
                                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND "
                                "d.deptype IN ('e', 'i'))"),
                 site)
                 .toString(),
             QString());

    // The file: the socket and the database, no user, no password, 0644.
    const SiteConfigFile::Contents file = SiteConfigFile::read(m_sitePath);
    QVERIFY(file.errors.isEmpty());
    QCOMPARE(file.url, siteUrl(QStringLiteral("site_a")));
    QVERIFY(!fileBytes(m_sitePath).contains('@'));
    QCOMPARE(QFileInfo(m_sitePath).permissions()
                 & ~QFileDevice::Permissions(QFile::ReadUser | QFile::WriteUser | QFile::ExeUser),
             QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
}

void TestSiteInit::theProgramsFindTheSiteDatabaseThroughTheFileAlone()
{
    // No DATABASE_URL, no saved settings: the file names the database, and
    // the program logs in as its user's own role (root), let in by --allow.
    const Run health = admin({QStringLiteral("health"), QStringLiteral("--json")}, m_sitePath);
    const QJsonObject out = health.json().object();
    QVERIFY2(out[u"database"][u"reachable"].toBool(), health.out.constData());
    QVERIFY2(out[u"config"][u"database_url"].toString().startsWith(siteUrl(QStringLiteral("site_a")) + u'?'),
             health.out.constData());
    QCOMPARE(out[u"config"][u"embedded"].toBool(true), false);
    const Run seeded = admin({QStringLiteral("seed"), QStringLiteral("--demo")}, m_sitePath);
    QVERIFY2(seeded.exitCode == 0, seeded.err.constData());
    QVERIFY(sql(QStringLiteral("SELECT count(*) FROM services"), QStringLiteral("site_a")).toInt() > 0);

    // root's sessions there act as the site's role: what they make is the site's.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("as-root"));
        db.setHostName(m_cluster.socketDirectory());
        db.setPort(m_cluster.port());
        db.setDatabaseName(QStringLiteral("site_a"));
        db.setUserName(QStringLiteral("root"));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT session_user, current_user")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("root"));
        QCOMPARE(q.value(1).toString(), QStringLiteral("site_a"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("as-root"));
    QCOMPARE(sql(QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = 'root'")).toBool(), false);
}

void TestSiteInit::aSecondRunChangesNothingAndSaysSo()
{
    const QByteArray before = fileBytes(m_sitePath);
    const Run text
        = admin(initArgs(QStringLiteral("site_a")) << QStringLiteral("--allow") << QStringLiteral("root"),
                m_sitePath);
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QCOMPARE(text.outText(),
             QStringLiteral("The site database is set up already (%1, named in %2); nothing was changed.\n")
                 .arg(siteUrl(QStringLiteral("site_a")), m_sitePath));
    const Run json = admin(initArgs(QStringLiteral("site_a")) << QStringLiteral("--json"), m_sitePath);
    QVERIFY2(json.exitCode == 0, json.err.constData());
    const QJsonObject out = json.json().object();
    QCOMPARE(out[u"already_done"].toBool(), true);
    QCOMPARE(out[u"role"][u"created"].toBool(true), false);
    QCOMPARE(out[u"database"][u"created"].toBool(true), false);
    QCOMPARE(out[u"migrations_applied"].toArray(), QJsonArray());
    QCOMPARE(out[u"config_file"][u"written"].toBool(true), false);
    QCOMPARE(fileBytes(m_sitePath), before); // not even rewritten
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'site_a'")).toInt(), 1);
}

void TestSiteInit::anotherDeskUserIsLetInByALaterRun()
{
    const Run r
        = admin(initArgs(QStringLiteral("site_a"))
                    << QStringLiteral("--allow") << QStringLiteral("root") << QStringLiteral("--allow")
                    << QStringLiteral("desk.anna") << QStringLiteral("--json"),
                m_sitePath);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject out = r.json().object();
    QCOMPARE(out[u"already_done"].toBool(true), false);
    QCOMPARE(out[u"allowed"].toArray(),
             QJsonArray({QJsonObject {{QStringLiteral("user"), QStringLiteral("root")},
                                      {QStringLiteral("changed"), false}},
                         QJsonObject {{QStringLiteral("user"), QStringLiteral("desk.anna")},
                                      {QStringLiteral("changed"), true}}}));
    QCOMPARE(sql(QStringLiteral("SELECT rolcanlogin AND rolpassword IS NULL AND NOT rolsuper "
                                "AND pg_has_role('desk.anna', 'site_a', 'MEMBER') "
                                "FROM pg_authid WHERE rolname = 'desk.anna'"))
                 .toBool(),
             true);
    const Run again
        = admin(initArgs(QStringLiteral("site_a"))
                    << QStringLiteral("--allow") << QStringLiteral("desk.anna") << QStringLiteral("--json"),
                m_sitePath);
    QCOMPARE(again.json().object()[u"already_done"].toBool(), true);
}

void TestSiteInit::aFileNamingAnotherDatabaseIsLeftAloneAndNothingIsMade()
{
    const QString path = m_dir.filePath(QStringLiteral("other/database.conf"));
    QString error;
    const QString other = QStringLiteral("postgresql://db.example:5432/carwash");
    QVERIFY2(SiteConfigFile::write(path, other, QStringLiteral("the test"), &error), qPrintable(error));
    const QByteArray before = fileBytes(path);
    const Run r = admin(initArgs(QStringLiteral("site_b")) << QStringLiteral("--json"), path);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(
        r.errText().contains(
            QStringLiteral("%1 names another site database (%2); nothing was changed.").arg(path, other)),
        r.err.constData());
    QCOMPARE(r.json().object()[u"error"][u"kind"].toString(), QStringLiteral("refused"));
    QCOMPARE(fileBytes(path), before);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = 'site_b'")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = 'site_b'")).toInt(), 0);
}

void TestSiteInit::anyoneButRootOrPostgresIsRefused()
{
    QTemporaryDir dir;
    const QString home = nobodyHome(dir);
    QVERIFY(!home.isEmpty());
    const Run r = asNobody(initArgs(QStringLiteral("site_c")), home);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(
                 QStringLiteral("run it as root (sudo carwash-admin site init) or as the postgres user")),
             r.err.constData());
    QVERIFY(!QFile::exists(home + QStringLiteral("/site.conf")));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname = 'site_c'")).toInt(), 0);
}

void TestSiteInit::badOptionsAreNamed_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("port 0") << QStringList {QStringLiteral("--port"), QStringLiteral("0")}
                            << QStringLiteral("--port: \"0\" is not valid; accepted: 1 to 65535.");
    QTest::newRow("a host name") << QStringList {QStringLiteral("--host"), QStringLiteral("db.example")}
                                 << QStringLiteral("--host: \"db.example\" is not a folder");
    QTest::newRow("a name in capitals") << QStringList {QStringLiteral("--name"), QStringLiteral("Site")}
                                        << QStringLiteral("--name: \"Site\" is not valid");
    QTest::newRow("letting postgres in")
        << QStringList {QStringLiteral("--allow"), QStringLiteral("postgres")}
        << QStringLiteral("--allow: \"postgres\" is not a desk user's name.");
    QTest::newRow("an unknown option") << QStringList {QStringLiteral("--owner"), QStringLiteral("x")}
                                       << QStringLiteral("Unknown option 'owner'");
}

void TestSiteInit::badOptionsAreNamed()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(QStringLiteral("bad/database.conf"));
    const Run r = admin(QStringList {QStringLiteral("site"), QStringLiteral("init")} + args, path);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.errText().contains(expected), r.err.constData());
    QVERIFY(!QFile::exists(path));
}

void TestSiteInit::joinKeepsAWorkingConnectionWithoutItsPassword()
{
    const QString path = m_dir.filePath(QStringLiteral("joined/database.conf"));
    const QString given = QStringLiteral("postgresql://carwash:s3cret@127.0.0.1:%1/carwash?connect_timeout=5")
                              .arg(m_cluster.port());
    const QString kept
        = QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=5").arg(m_cluster.port());
    const Run r
        = admin({QStringLiteral("site"), QStringLiteral("join"), given, QStringLiteral("--json")}, path);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject out = r.json().object();
    QCOMPARE(out[u"database_url"].toString(), kept);
    QCOMPARE(out[u"written_to"].toString(), path);
    // root's keychain serves no desk user: each user keeps it in their own.
    QCOMPARE(out[u"password"].toString(), QStringLiteral("not_stored"));
    QVERIFY(!out[u"server_version"].toString().isEmpty());
    QCOMPARE(SiteConfigFile::read(path).url, kept);
    QVERIFY(!fileBytes(path).contains("s3cret"));
    QVERIFY(!r.out.contains("s3cret") && !r.err.contains("s3cret"));

    // The programs use it.
    const Run config = admin({QStringLiteral("config"), QStringLiteral("--json")}, path);
    QVERIFY2(config.exitCode == 0, config.err.constData());
    QCOMPARE(config.json().object()[u"settings"][u"connect_timeout"][u"source"].toString(),
             QStringLiteral("site file"));
}

void TestSiteInit::joinKeepsNothingOfAConnectionThatFails()
{
    const QString path = m_dir.filePath(QStringLiteral("failed/database.conf"));
    const Run r = admin({QStringLiteral("site"), QStringLiteral("join"),
                         QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=2")
                             .arg(PgTestCluster::freePort())},
                        path);
    QCOMPARE(r.exitCode, 4);
    QVERIFY(!QFile::exists(path));
    const Run bad
        = admin({QStringLiteral("site"), QStringLiteral("join"), QStringLiteral("mysql://db/carwash")}, path);
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.errText().contains(QStringLiteral("unknown scheme \"mysql\"")), bad.err.constData());
    QVERIFY(!QFile::exists(path));
}

QString TestSiteInit::nobodyHome(const QTemporaryDir &dir)
{
    const QString home = dir.filePath(QStringLiteral("home"));
    const passwd *nobody = ::getpwnam("nobody");
    const bool made = QFile::setPermissions(dir.path(),
                                            QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                | QFile::ReadOther | QFile::ExeOther)
        && QDir().mkpath(home) && nobody
        && ::chown(QFile::encodeName(home).constData(), nobody->pw_uid, nobody->pw_gid) == 0;
    return made ? home : QString();
}

Run TestSiteInit::asNobody(const QStringList &args, const QString &home) const
{
    QProcess p;
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("CARWASH_SITE_CONFIG"), home + QStringLiteral("/site.conf"));
    env.insert(QStringLiteral("CARWASH_LANG"), QStringLiteral("en"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("runuser"),
            QStringList {QStringLiteral("-u"), QStringLiteral("nobody"), QStringLiteral("--"),
                         AdminProcess::path()}
                + args);
    return AdminProcess::finish(&p);
}

void TestSiteInit::joinAsANormalUserKeepsTheConnectionInTheirSettings()
{
    QTemporaryDir dir;
    const QString home = nobodyHome(dir);
    QVERIFY(!home.isEmpty());

    const QString url
        = QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=7").arg(m_cluster.port());
    const Run r
        = asNobody({QStringLiteral("site"), QStringLiteral("join"), url, QStringLiteral("--json")}, home);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString settingsPath = home + QStringLiteral("/.config/carwash/carwash-desk.conf");
    QCOMPARE(r.json().object()[u"written_to"].toString(), settingsPath);
    QCOMPARE(r.json().object()[u"password"].toString(), QStringLiteral("none"));
    const Run config = asNobody({QStringLiteral("config"), QStringLiteral("--json")}, home);
    QVERIFY2(config.exitCode == 0, config.err.constData());
    const QJsonObject out = config.json().object();
    QCOMPARE(out[u"database_url"].toString().section(u'?', 0, 0),
             QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash").arg(m_cluster.port()));
    QCOMPARE(out[u"settings"][u"connect_timeout"][u"value"].toString(), QStringLiteral("7"));
    QCOMPARE(out[u"settings"][u"connect_timeout"][u"source"].toString(), QStringLiteral("settings"));

    // With a site file on this PC a user's join still lands in their
    // settings, and says that the file comes first.
    QString error;
    QVERIFY2(
        SiteConfigFile::write(home + QStringLiteral("/site.conf"), url, QStringLiteral("the test"), &error),
        qPrintable(error));
    const Run again = asNobody({QStringLiteral("site"), QStringLiteral("join"), url}, home);
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY2(again.errText().contains(
                 QStringLiteral("Note: %1/site.conf names the site database for every program "
                                "of this PC and comes before your settings")
                     .arg(home)),
             again.err.constData());
}

void TestSiteInit::joinAsANormalUserWithoutAKeychainKeepsNothing()
{
    QTemporaryDir dir;
    const QString home = nobodyHome(dir);
    QVERIFY(!home.isEmpty());

    const Run r
        = asNobody({QStringLiteral("site"), QStringLiteral("join"),
                    QStringLiteral("postgresql://carwash:s3cret@127.0.0.1:%1/carwash").arg(m_cluster.port())},
                   home);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.errText().contains(QStringLiteral("The password could not be saved in the keychain")),
             r.err.constData());
    QVERIFY2(r.errText().contains(QStringLiteral("nothing was changed")), r.err.constData());
    QVERIFY(!QFile::exists(home + QStringLiteral("/.config/carwash/carwash-desk.conf")));
    QVERIFY(!r.out.contains("s3cret") && !r.err.contains("s3cret"));
}

QTEST_GUILESS_MAIN(TestSiteInit)
#include "tst_siteinit.moc"
