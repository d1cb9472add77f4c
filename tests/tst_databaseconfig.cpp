// DATABASE_URL parsing, the precedence of environment > URL > the site's
// config file > saved settings > defaults, refusal of bad values with the
// setting (or the file) named, and redaction.
#include "db/config/databaseconfig.h"
#include "db/config/siteconfigfile.h"

#include <QFile>

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

namespace {
QProcessEnvironment envOf(const QList<QPair<QString, QString>> &vars)
{
    QProcessEnvironment env;
    for (const auto &[k, v] : vars)
        env.insert(k, v);
    return env;
}

// A site config file with these lines, in dir.
QString siteFile(const QTemporaryDir &dir, const QByteArray &lines)
{
    const QString path = dir.filePath(QStringLiteral("database.conf"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    file.write(lines);
    return path;
}
} // namespace

class TestDatabaseConfig : public QObject
{
    Q_OBJECT
private slots:
    void defaultsWithNothingConfiguredMeanEmbedded();
    void parsesUrls_data();
    void parsesUrls();
    void parsesMultiHostUrlsAsLibpqDoes_data();
    void parsesMultiHostUrlsAsLibpqDoes();
    void environmentBeatsUrlBeatsSettingsBeatsDefaults();
    void statementTimeoutComesFromUrlOrEnvironmentAndZeroTurnsItOff();
    void refusesBadValuesNamingTheSetting_data();
    void refusesBadValuesNamingTheSetting();
    void clampsTooLargeValuesWithAWarning();
    void statementCacheZeroMeansPgBouncer();
    void passwordNeverInRedactedUrlOrSavedSettings();
    void siteFileBeatsSavedSettingsAndLosesToTheEnvironment();
    void aMissingSiteFileChangesNothing();
    void siteFileProblemsAreRefusedNamingTheFile_data();
    void siteFileProblemsAreRefusedNamingTheFile();
    void siteFileIsWrittenWholeReadableByAllAndWithoutAPassword();
};

void TestDatabaseConfig::defaultsWithNothingConfiguredMeanEmbedded()
{
    const auto r = DatabaseConfigLoader::load(QProcessEnvironment(), nullptr);
    QVERIFY(r.ok());
    QVERIFY(r.config.embedded);
    QCOMPARE(r.config.maxConnections, 5);
    QCOMPARE(r.config.poolTimeoutMs, 10000);
    QCOMPARE(r.config.connectTimeoutS, 10);
    QCOMPARE(r.config.statementTimeoutMs, 30000);
    QCOMPARE(r.config.monitoring, true);
    QCOMPARE(r.config.slowQueryThresholdMs, 500);
    QCOMPARE(r.config.maxQueryHistory, 100);
    QCOMPARE(r.config.sourceOf(QStringLiteral("connection_limit")), ConfigSource::Default);
}

void TestDatabaseConfig::parsesUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("poolTimeoutMs");
    QTest::addColumn<bool>("pgbouncer");

    QTest::newRow("the old system's URL")
        << QStringLiteral("postgresql://wash:secret@db.example.com:6432/carwash?connection_limit=5&pool_timeout=10&connect_timeout=10&statement_cache_size=0&pgbouncer=true&sslmode=require")
        << QStringLiteral("db.example.com") << 6432 << QStringLiteral("carwash") << QStringLiteral("wash")
        << QStringLiteral("secret") << 5 << 10000 << true;
    QTest::newRow("postgres scheme, default port")
        << QStringLiteral("postgres://u@localhost/db") << QStringLiteral("localhost") << 5432 << QStringLiteral("db")
        << QStringLiteral("u") << QString() << 5 << 10000 << false;
    QTest::newRow("percent-encoded user and password")
        << QStringLiteral("postgresql://us%40er:p%40ss%3Aw%2Frd%23@h:5433/d?connection_limit=12")
        << QStringLiteral("h") << 5433 << QStringLiteral("d") << QStringLiteral("us@er") << QStringLiteral("p@ss:w/rd#")
        << 12 << 10000 << false;
    QTest::newRow("unix socket as encoded host")
        << QStringLiteral("postgresql://wash@%2Fvar%2Frun%2Fpostgresql/carwash")
        << QStringLiteral("/var/run/postgresql") << 5432 << QStringLiteral("carwash") << QStringLiteral("wash")
        << QString() << 5 << 10000 << false;
    QTest::newRow("unix socket as host parameter")
        << QStringLiteral("postgresql:///carwash?host=/tmp/pg&user=wash&pool_timeout=2.5")
        << QStringLiteral("/tmp/pg") << 5432 << QStringLiteral("carwash") << QStringLiteral("wash") << QString() << 5
        << 2500 << false;
    QTest::newRow("IPv6 host")
        << QStringLiteral("postgresql://u:p@[::1]:5444/db") << QStringLiteral("::1") << 5444 << QStringLiteral("db")
        << QStringLiteral("u") << QStringLiteral("p") << 5 << 10000 << false;
    QTest::newRow("password with at sign left unencoded")
        << QStringLiteral("postgresql://u:p@ss@h/db") << QStringLiteral("h") << 5432 << QStringLiteral("db")
        << QStringLiteral("u") << QStringLiteral("p@ss") << 5 << 10000 << false;
}

void TestDatabaseConfig::parsesUrls()
{
    QFETCH(QString, url);
    const auto r = DatabaseConfigLoader::load(envOf({{QStringLiteral("DATABASE_URL"), url}}), nullptr);
    QVERIFY2(r.ok(), qPrintable(r.errors.join(QLatin1Char('\n'))));
    QVERIFY(!r.config.embedded);
    QTEST(r.config.host, "host");
    QTEST(r.config.port, "port");
    QTEST(r.config.database, "database");
    QTEST(r.config.user, "user");
    QTEST(r.config.password, "password");
    QTEST(r.config.maxConnections, "limit");
    QTEST(r.config.poolTimeoutMs, "poolTimeoutMs");
    QTEST(r.config.pgbouncer, "pgbouncer");
}

void TestDatabaseConfig::parsesMultiHostUrlsAsLibpqDoes_data()
{
    // servers: DatabaseConfig::hostPortList(), the first being host:port.
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("servers");
    QTest::addColumn<QString>("targetSessionAttrs");
    QTest::addColumn<QString>("libpqHosts");
    QTest::addColumn<QString>("libpqPorts");

    QTest::newRow("a primary and a standby, read-write")
        << QStringLiteral("postgresql://wash@h1:5432,h2:5433/carwash?target_session_attrs=read-write")
        << QStringLiteral("h1:5432,h2:5433") << QStringLiteral("read-write") << QStringLiteral("h1,h2")
        << QStringLiteral("5432,5433");
    QTest::newRow("hosts without a port take the default")
        << QStringLiteral("postgres://wash@h1,h2:6432,h3/carwash")
        << QStringLiteral("h1:5432,h2:6432,h3:5432") << QString() << QStringLiteral("h1,h2,h3")
        << QStringLiteral("5432,6432,5432");
    QTest::newRow("IPv6 among them") << QStringLiteral(
        "postgresql://wash@[::1]:5432,[fe80::2],10.0.0.3:5433/carwash?target_session_attrs=primary")
                                     << QStringLiteral("::1:5432,fe80::2:5432,10.0.0.3:5433")
                                     << QStringLiteral("primary") << QStringLiteral("::1,fe80::2,10.0.0.3")
                                     << QStringLiteral("5432,5432,5433");
    QTest::newRow("host and port parameters, one port each")
        << QStringLiteral("postgresql:///carwash?host=a,b&port=1,2&target_session_attrs=prefer-standby")
        << QStringLiteral("a:1,b:2") << QStringLiteral("prefer-standby") << QStringLiteral("a,b")
        << QStringLiteral("1,2");
    QTest::newRow("one port parameter for all hosts")
        << QStringLiteral("postgresql://u@a,b/carwash?port=7777&target_session_attrs=standby")
        << QStringLiteral("a:7777,b:7777") << QStringLiteral("standby") << QStringLiteral("a,b")
        << QStringLiteral("7777,7777");
    QTest::newRow("host parameter replaces the URL's hosts, keeps its ports")
        << QStringLiteral("postgresql://u@x:1,y:2/carwash?host=/run/a,/run/b")
        << QStringLiteral("/run/a:1,/run/b:2") << QString() << QStringLiteral("/run/a,/run/b")
        << QStringLiteral("1,2");
    QTest::newRow("percent-encoded socket folders")
        << QStringLiteral("postgresql://u@%2Frun%2Fa:5432,%2Frun%2Fb:5433/carwash?target_session_attrs=any")
        << QStringLiteral("/run/a:5432,/run/b:5433") << QStringLiteral("any")
        << QStringLiteral("/run/a,/run/b") << QStringLiteral("5432,5433");
    QTest::newRow("one host stays one host")
        << QStringLiteral("postgresql://u@db:5433/carwash?target_session_attrs=read-only")
        << QStringLiteral("db:5433") << QStringLiteral("read-only") << QStringLiteral("db")
        << QStringLiteral("5433");
}

void TestDatabaseConfig::parsesMultiHostUrlsAsLibpqDoes()
{
    QFETCH(QString, url);
    QFETCH(QString, servers);
    const auto r = DatabaseConfigLoader::load(envOf({{QStringLiteral("DATABASE_URL"), url}}), nullptr);
    QVERIFY2(r.ok(), qPrintable(r.errors.join(QLatin1Char('\n'))));
    QCOMPARE(r.config.hostPortList(), servers);
    // host and port stay the first server's, for everything that shows one.
    QCOMPARE(QStringLiteral("%1:%2").arg(r.config.host).arg(r.config.port), servers.section(u',', 0, 0));
    QCOMPARE(r.config.isMultiHost(), servers.contains(u','));
    QTEST(r.config.targetSessionAttrs, "targetSessionAttrs");
    QTEST(r.config.libpqHosts(), "libpqHosts");
    QTEST(r.config.libpqPorts(), "libpqPorts");
    QCOMPARE(r.config.database, QStringLiteral("carwash"));

    // What the programs log and show reads back as the same servers.
    const auto again = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"), r.config.redactedUrl()}}), nullptr);
    QVERIFY2(again.ok(), qPrintable(r.config.redactedUrl() + u' ' + again.errors.join(u' ')));
    QCOMPARE(again.config.hosts(), r.config.hosts());
    QCOMPARE(again.config.targetSessionAttrs, r.config.targetSessionAttrs);
}

void TestDatabaseConfig::environmentBeatsUrlBeatsSettingsBeatsDefaults()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("database/host"), QStringLiteral("saved-host"));
    settings.setValue(QStringLiteral("database/name"), QStringLiteral("saved-db"));
    settings.setValue(QStringLiteral("database/connection_limit"), 7);
    settings.setValue(QStringLiteral("database/pool_timeout"), 20);
    settings.setValue(QStringLiteral("database/connect_timeout"), 4);

    // Settings over defaults.
    auto r = DatabaseConfigLoader::load(QProcessEnvironment(), &settings);
    QVERIFY(r.ok());
    QVERIFY(!r.config.embedded);
    QCOMPARE(r.config.host, QStringLiteral("saved-host"));
    QCOMPARE(r.config.maxConnections, 7);
    QCOMPARE(r.config.sourceOf(QStringLiteral("connection_limit")), ConfigSource::Settings);
    QCOMPARE(r.config.slowQueryThresholdMs, 500);
    QCOMPARE(r.config.sourceOf(QStringLiteral("slow_query_threshold")), ConfigSource::Default);

    // URL over settings.
    r = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@url-host/url-db?connection_limit=3")}}),
        &settings);
    QVERIFY(r.ok());
    QCOMPARE(r.config.host, QStringLiteral("url-host"));
    QCOMPARE(r.config.database, QStringLiteral("url-db"));
    QCOMPARE(r.config.maxConnections, 3);
    QCOMPARE(r.config.sourceOf(QStringLiteral("connection_limit")), ConfigSource::Url);
    QCOMPARE(r.config.poolTimeoutMs, 20000); // not in the URL: the saved value stands
    QCOMPARE(r.config.sourceOf(QStringLiteral("pool_timeout")), ConfigSource::Settings);

    // Environment over URL.
    r = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@h/d?connection_limit=3&connect_timeout=9")},
               {QStringLiteral("DB_MAX_CONNECTIONS"), QStringLiteral("9")},
               {QStringLiteral("DB_POOL_TIMEOUT"), QStringLiteral("1.5")},
               {QStringLiteral("ENABLE_DB_MONITORING"), QStringLiteral("false")},
               {QStringLiteral("SLOW_QUERY_THRESHOLD"), QStringLiteral("250")},
               {QStringLiteral("MAX_QUERY_HISTORY"), QStringLiteral("10")}}),
        &settings);
    QVERIFY(r.ok());
    QCOMPARE(r.config.maxConnections, 9);
    QCOMPARE(r.config.sourceOf(QStringLiteral("connection_limit")), ConfigSource::Environment);
    QCOMPARE(r.config.poolTimeoutMs, 1500);
    QCOMPARE(r.config.connectTimeoutS, 9);
    QCOMPARE(r.config.monitoring, false);
    QCOMPARE(r.config.slowQueryThresholdMs, 250);
    QCOMPARE(r.config.maxQueryHistory, 10);
}

void TestDatabaseConfig::statementTimeoutComesFromUrlOrEnvironmentAndZeroTurnsItOff()
{
    auto r = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@h/d?statement_timeout=2.5")}}), nullptr);
    QVERIFY(r.ok());
    QCOMPARE(r.config.statementTimeoutMs, 2500);
    QCOMPARE(r.config.sourceOf(QStringLiteral("statement_timeout")), ConfigSource::Url);
    QVERIFY2(r.config.redactedUrl().contains(QLatin1String("statement_timeout=2.5")), qPrintable(r.config.redactedUrl()));

    r = DatabaseConfigLoader::load(envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@h/d?statement_timeout=5")},
                                          {QStringLiteral("DB_STATEMENT_TIMEOUT"), QStringLiteral("0")}}),
                                   nullptr);
    QVERIFY(r.ok());
    QCOMPARE(r.config.statementTimeoutMs, 0);
    QCOMPARE(r.config.sourceOf(QStringLiteral("statement_timeout")), ConfigSource::Environment);

    r = DatabaseConfigLoader::load(envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@h/d")},
                                          {QStringLiteral("DB_STATEMENT_TIMEOUT"), QStringLiteral("-1")}}),
                                   nullptr);
    QVERIFY(!r.ok());
    QVERIFY2(r.errors.join(QLatin1Char(' ')).contains(QLatin1String("0 to 86400 s")),
             qPrintable(r.errors.join(QLatin1Char(' '))));
}

void TestDatabaseConfig::refusesBadValuesNamingTheSetting_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("mentions");
    const QString url = QStringLiteral("DATABASE_URL");
    QTest::newRow("negative limit in URL") << url << QStringLiteral("postgresql://u@h/d?connection_limit=-1")
                                           << QStringLiteral("connection_limit");
    QTest::newRow("text limit in URL") << url << QStringLiteral("postgresql://u@h/d?connection_limit=abc")
                                       << QStringLiteral("connection_limit");
    QTest::newRow("zero limit in URL") << url << QStringLiteral("postgresql://u@h/d?connection_limit=0")
                                       << QStringLiteral("1 to 100");
    QTest::newRow("unknown scheme") << url << QStringLiteral("mysql://u@h/d") << QStringLiteral("mysql");
    QTest::newRow("not a URL") << url << QStringLiteral("host=localhost dbname=x") << QStringLiteral("DATABASE_URL");
    QTest::newRow("bad port") << url << QStringLiteral("postgresql://u@h:99999/d") << QStringLiteral("port");
    QTest::newRow("bad sslmode") << url << QStringLiteral("postgresql://u@h/d?sslmode=sometimes")
                                 << QStringLiteral("sslmode");
    QTest::newRow("bad port among several hosts")
        << url << QStringLiteral("postgresql://u@h1:5432,h2:0/d") << QStringLiteral("port \"0\"");
    QTest::newRow("two ports for three hosts") << url << QStringLiteral("postgresql:///d?host=a,b,c&port=1,2")
                                               << QStringLiteral("2 ports for 3 hosts");
    QTest::newRow("a comma encoded inside a host")
        << url << QStringLiteral("postgresql://u@a%2Cb/d") << QStringLiteral("host1:5432,host2:5432");
    QTest::newRow("unknown target_session_attrs")
        << url << QStringLiteral("postgresql://u@h1,h2/d?target_session_attrs=master")
        << QStringLiteral(
               "target_session_attrs: \"master\" is not valid; accepted: any, read-write, read-only, "
               "primary, standby, prefer-standby.");
    QTest::newRow("bad pgbouncer flag") << url << QStringLiteral("postgresql://u@h/d?pgbouncer=maybe")
                                        << QStringLiteral("pgbouncer");
    QTest::newRow("negative pool timeout") << url << QStringLiteral("postgresql://u@h/d?pool_timeout=-5")
                                           << QStringLiteral("pool_timeout");
    QTest::newRow("DB_MAX_CONNECTIONS text") << QStringLiteral("DB_MAX_CONNECTIONS") << QStringLiteral("lots")
                                             << QStringLiteral("DB_MAX_CONNECTIONS");
    QTest::newRow("DB_POOL_TIMEOUT negative") << QStringLiteral("DB_POOL_TIMEOUT") << QStringLiteral("-1")
                                              << QStringLiteral("DB_POOL_TIMEOUT");
    QTest::newRow("DB_CONNECT_TIMEOUT zero") << QStringLiteral("DB_CONNECT_TIMEOUT") << QStringLiteral("0")
                                             << QStringLiteral("1 to 3600 s");
    QTest::newRow("statement_timeout text in URL") << url << QStringLiteral("postgresql://u@h/d?statement_timeout=long")
                                                   << QStringLiteral("statement_timeout");
    QTest::newRow("SLOW_QUERY_THRESHOLD text") << QStringLiteral("SLOW_QUERY_THRESHOLD") << QStringLiteral("fast")
                                               << QStringLiteral("SLOW_QUERY_THRESHOLD");
    QTest::newRow("MAX_QUERY_HISTORY negative") << QStringLiteral("MAX_QUERY_HISTORY") << QStringLiteral("-3")
                                                << QStringLiteral("MAX_QUERY_HISTORY");
    QTest::newRow("ENABLE_DB_MONITORING not boolean") << QStringLiteral("ENABLE_DB_MONITORING")
                                                      << QStringLiteral("sometimes")
                                                      << QStringLiteral("ENABLE_DB_MONITORING");
}

void TestDatabaseConfig::refusesBadValuesNamingTheSetting()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, mentions);
    QProcessEnvironment env = envOf({{variable, value}});
    if (variable != u"DATABASE_URL")
        env.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@h/d"));
    const auto r = DatabaseConfigLoader::load(env, nullptr);
    QVERIFY(!r.ok());
    QVERIFY2(r.errors.join(QLatin1Char(' ')).contains(mentions), qPrintable(r.errors.join(QLatin1Char(' '))));
}

void TestDatabaseConfig::clampsTooLargeValuesWithAWarning()
{
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("connection_limit.*using 100")));
    const auto r = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@h/d?connection_limit=5000")}}), nullptr);
    QVERIFY(r.ok());
    QCOMPARE(r.config.maxConnections, 100);
    QCOMPARE(r.warnings.size(), 1);
}

void TestDatabaseConfig::statementCacheZeroMeansPgBouncer()
{
    const auto r = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@h/d?statement_cache_size=0")}}), nullptr);
    QVERIFY(r.ok());
    QVERIFY(r.config.pgbouncer);
}

void TestDatabaseConfig::passwordNeverInRedactedUrlOrSavedSettings()
{
    const QString secret = QStringLiteral("Sup3r-S3cret");
    const auto r = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"),
                QStringLiteral("postgresql://wash:%1@db:5432/carwash?application_name=desk").arg(secret)}}),
        nullptr);
    QVERIFY(r.ok());
    QCOMPARE(r.config.password, secret);
    const QString redacted = r.config.redactedUrl();
    QVERIFY(!redacted.contains(secret));
    QVERIFY(redacted.startsWith(QStringLiteral("postgresql://wash:***@db:5432/carwash?")));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.ini"));
    {
        QSettings settings(path, QSettings::IniFormat);
        DatabaseConfigLoader::save(r.config, settings);
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray saved = file.readAll();
    QVERIFY(saved.contains("db"));
    QVERIFY(!saved.contains(secret.toUtf8()));

    // A bad URL's error never echoes the password either.
    const auto bad = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://wash:%1@db/carwash?connection_limit=x").arg(secret)}}),
        nullptr);
    QVERIFY(!bad.ok());
    QVERIFY(!bad.errors.join(QLatin1Char(' ')).contains(secret));
}

void TestDatabaseConfig::siteFileBeatsSavedSettingsAndLosesToTheEnvironment()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("database/host"), QStringLiteral("saved-host"));
    settings.setValue(QStringLiteral("database/name"), QStringLiteral("saved-db"));
    settings.setValue(QStringLiteral("database/user"), QStringLiteral("saved-user"));
    settings.setValue(QStringLiteral("database/connection_limit"), 7);
    settings.setValue(QStringLiteral("database/pool_timeout"), 20);
    // What site init writes: the local socket, no user (each program logs in
    // as its own user through peer authentication).
    const QString path = siteFile(dir, "# the site\n\n"
                                       "DATABASE_URL=\"postgresql://%2Fvar%2Frun%2Fpostgresql:5433/carwash"
                                       "?connection_limit=4\"\n");

    // The file over saved settings: the whole connection, and what its URL names.
    auto r = DatabaseConfigLoader::load(QProcessEnvironment(), &settings, path);
    QVERIFY2(r.ok(), qPrintable(r.errors.join(u'\n')));
    QVERIFY(!r.config.embedded);
    QCOMPARE(r.config.host, QStringLiteral("/var/run/postgresql"));
    QVERIFY(r.config.isUnixSocket());
    QCOMPARE(r.config.port, 5433);
    QCOMPARE(r.config.database, QStringLiteral("carwash"));
    QCOMPARE(r.config.user, QString()); // not the saved user's
    QCOMPARE(r.config.maxConnections, 4);
    for (const char *setting : {"host", "port", "database", "connection_limit"})
        QCOMPARE(r.config.sourceOf(QLatin1String(setting)), ConfigSource::SiteFile);
    QCOMPARE(r.config.poolTimeoutMs, 20000); // not in the file: the saved value stands
    QCOMPARE(r.config.sourceOf(QStringLiteral("pool_timeout")), ConfigSource::Settings);
    QCOMPARE(configSourceName(ConfigSource::SiteFile), QStringLiteral("site file"));

    // Without saved settings the file still means a configured server, not the embedded one.
    r = DatabaseConfigLoader::load(QProcessEnvironment(), nullptr, path);
    QVERIFY(r.ok());
    QVERIFY(!r.config.embedded);
    QCOMPARE(r.config.host, QStringLiteral("/var/run/postgresql"));

    // The environment's DATABASE_URL over the file: nothing of the file remains.
    r = DatabaseConfigLoader::load(
        envOf({{QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://u@env-host/env-db")}}), &settings, path);
    QVERIFY(r.ok());
    QCOMPARE(r.config.host, QStringLiteral("env-host"));
    QCOMPARE(r.config.port, 5432);
    QCOMPARE(r.config.database, QStringLiteral("env-db"));
    QCOMPARE(r.config.maxConnections, 7); // the saved one: the file's URL is not read at all
    QCOMPARE(r.config.sourceOf(QStringLiteral("host")), ConfigSource::Url);

    // The environment's own settings over the file's URL.
    r = DatabaseConfigLoader::load(envOf({{QStringLiteral("DB_MAX_CONNECTIONS"), QStringLiteral("9")}}), &settings,
                                   path);
    QVERIFY(r.ok());
    QCOMPARE(r.config.host, QStringLiteral("/var/run/postgresql"));
    QCOMPARE(r.config.maxConnections, 9);
    QCOMPARE(r.config.sourceOf(QStringLiteral("connection_limit")), ConfigSource::Environment);
}

void TestDatabaseConfig::aMissingSiteFileChangesNothing()
{
    QTemporaryDir dir;
    const auto r = DatabaseConfigLoader::load(QProcessEnvironment(), nullptr,
                                              dir.filePath(QStringLiteral("database.conf")));
    QVERIFY(r.ok());
    QVERIFY(r.warnings.isEmpty());
    QVERIFY(r.config.embedded);
    QCOMPARE(SiteConfigFile::path(QProcessEnvironment()), QStringLiteral("/etc/carwash-desk/database.conf"));
    QCOMPARE(SiteConfigFile::path(envOf({{QStringLiteral("CARWASH_SITE_CONFIG"), QStringLiteral("/x/y.conf")}})),
             QStringLiteral("/x/y.conf"));
}

void TestDatabaseConfig::siteFileProblemsAreRefusedNamingTheFile_data()
{
    QTest::addColumn<QByteArray>("lines");
    QTest::addColumn<QString>("expected"); // in the one error, after the file's path

    QTest::newRow("a password in the URL")
        << QByteArray("DATABASE_URL=postgresql://carwash:s3cret@db/carwash\n") << QStringLiteral("holds a password");
    QTest::newRow("a password as a parameter")
        << QByteArray("DATABASE_URL=postgresql://carwash@db/carwash?password=s3cret\n")
        << QStringLiteral("holds a password");
    QTest::newRow("no DATABASE_URL") << QByteArray("# nothing yet\n") << QStringLiteral("has no DATABASE_URL");
    QTest::newRow("not KEY=VALUE") << QByteArray("postgresql://db/carwash\n")
                                   << QStringLiteral("line 1: expected KEY=VALUE");
    QTest::newRow("a bad port") << QByteArray("DATABASE_URL=postgresql://db:99999/carwash\n")
                                << QStringLiteral("DATABASE_URL: port \"99999\" is not valid");
    QTest::newRow("a bad limit") << QByteArray("DATABASE_URL=postgresql://db/carwash?connection_limit=x\n")
                                 << QStringLiteral("DATABASE_URL connection_limit: \"x\" is not a number");
}

void TestDatabaseConfig::siteFileProblemsAreRefusedNamingTheFile()
{
    QFETCH(QByteArray, lines);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = siteFile(dir, lines);
    const auto r = DatabaseConfigLoader::load(QProcessEnvironment(), nullptr, path);
    QVERIFY(!r.ok());
    QCOMPARE(r.errors.size(), 1);
    QVERIFY2(r.errors.first().startsWith(path), qPrintable(r.errors.first()));
    QVERIFY2(r.errors.first().contains(expected), qPrintable(r.errors.first()));
    QVERIFY(!r.errors.first().contains(QLatin1String("s3cret")));
    QCOMPARE(r.config.password, QString());
}

void TestDatabaseConfig::siteFileIsWrittenWholeReadableByAllAndWithoutAPassword()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("etc/carwash-desk/database.conf"));
    const QString url = QStringLiteral("postgresql://%2Fvar%2Frun%2Fpostgresql:5432/carwash");
    QString error;
    QVERIFY2(SiteConfigFile::write(path, url, QStringLiteral("the test"), &error), qPrintable(error));
    // 0644 (the *User flags only repeat the owner's or others' for whoever runs the test).
    QCOMPARE(QFile::permissions(path) & ~QFileDevice::Permissions(QFile::ReadUser | QFile::WriteUser | QFile::ExeUser),
             QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    const SiteConfigFile::Contents read = SiteConfigFile::read(path);
    QVERIFY(read.exists);
    QVERIFY(read.errors.isEmpty());
    QVERIFY(read.warnings.isEmpty());
    QCOMPARE(read.url, url);

    // A password is refused, and the file keeps what it held.
    QVERIFY(!SiteConfigFile::write(path, QStringLiteral("postgresql://carwash:s3cret@db/carwash"),
                                   QStringLiteral("the test"), &error));
    QVERIFY2(error.contains(QLatin1String("password")), qPrintable(error));
    QCOMPARE(SiteConfigFile::read(path).url, url);
}

QTEST_GUILESS_MAIN(TestDatabaseConfig)
#include "tst_databaseconfig.moc"
