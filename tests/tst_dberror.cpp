// Classification by SQLSTATE, retry backoff bounds, and SQL value elision.
#include "db/pool/connectrefusal.h"
#include "db/pool/dberror.h"
#include "db/pool/retrypolicy.h"
#include "db/pool/sql.h"

#include <QTest>

class TestDbError : public QObject
{
    Q_OBJECT
private slots:
    void classifiesBySqlState_data();
    void classifiesBySqlState();
    void lostConnectionWithoutCodeIsUnavailable();
    void backoffStaysWithinFullJitterBounds_data();
    void backoffStaysWithinFullJitterBounds();
    void elidesLiteralValues_data();
    void elidesLiteralValues();
    void logStringNamesStateAndLabel();
    void readsTheServersCodeFromLibpqsRefusal_data();
    void readsTheServersCodeFromLibpqsRefusal();
    void refusalsOnlyNewSettingsCureSayWhatToChange_data();
    void refusalsOnlyNewSettingsCureSayWhatToChange();
};

void TestDbError::classifiesBySqlState_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("transient");
    QTest::addColumn<bool>("evict");
    using K = DbError::Kind;
    auto row = [](const char *name, const char *state, K kind, bool transient, bool evict) {
        QTest::newRow(name) << QString::fromLatin1(state) << int(kind) << transient << evict;
    };
    row("08000 connection exception", "08000", K::Unavailable, true, true);
    row("08003 connection does not exist", "08003", K::Unavailable, true, true);
    row("08006 connection failure", "08006", K::Unavailable, true, true);
    row("08001 unable to connect", "08001", K::Unavailable, true, true);
    row("08P01 protocol violation", "08P01", K::Unavailable, true, true);
    row("57P01 admin shutdown", "57P01", K::Unavailable, true, true);
    row("57P02 crash shutdown", "57P02", K::Unavailable, true, true);
    row("57P03 cannot connect now", "57P03", K::Unavailable, true, true);
    row("53300 too many connections", "53300", K::Unavailable, true, true);
    row("40001 serialization failure", "40001", K::Transient, true, false);
    row("40P01 deadlock detected", "40P01", K::Transient, true, false);
    row("55P03 lock not available", "55P03", K::Transient, true, false);
    row("23P01 exclusion violation = slot taken", "23P01", K::SlotTaken, false, false);
    row("23505 unique violation", "23505", K::UniqueViolation, false, false);
    row("23503 foreign key violation", "23503", K::ConstraintViolation, false, false);
    row("23514 check violation", "23514", K::ConstraintViolation, false, false);
    row("42601 syntax error", "42601", K::Fatal, false, false);
    row("42501 insufficient privilege", "42501", K::Fatal, false, false);
    row("42P01 undefined table", "42P01", K::Fatal, false, false);
    row("26000 invalid statement name (PgBouncer)", "26000", K::Fatal, false, true);
    row("25006 read-only transaction (a standby)", "25006", K::Unavailable, true, true);
    row("25P02 in failed transaction", "25P02", K::Fatal, false, true);
    row("57014 query canceled", "57014", K::Fatal, false, false);
    row("22001 string too long", "22001", K::Fatal, false, false);
    row("28P01 wrong password", "28P01", K::Configuration, false, true);
    row("28000 unknown role or pg_hba.conf refusal", "28000", K::Configuration, false, true);
    row("3D000 no such database", "3D000", K::Configuration, false, true);
}

void TestDbError::classifiesBySqlState()
{
    QFETCH(QString, state);
    QFETCH(int, kind);
    QFETCH(bool, transient);
    QFETCH(bool, evict);
    const SqlStateClass c = classify(state, QSqlError::StatementError);
    QCOMPARE(int(c.kind), kind);
    QCOMPARE(c.transient, transient);
    QCOMPARE(c.evictConnection, evict);

    const DbError e = DbError::fromSqlError(QSqlError(QStringLiteral("driver"), QStringLiteral("server says"),
                                                      QSqlError::StatementError, state),
                                            QStringLiteral("insert booking"));
    QCOMPARE(int(e.kind()), kind);
    QCOMPARE(e.sqlState(), state);
    QCOMPARE(e.isTransient(), transient);
    QVERIFY(!e.message().isEmpty());
    QVERIFY(e.detail().contains(QStringLiteral("insert booking")));
}

void TestDbError::lostConnectionWithoutCodeIsUnavailable()
{
    const SqlStateClass lost = classify(QString(), QSqlError::ConnectionError);
    QCOMPARE(lost.kind, DbError::Kind::Unavailable);
    QVERIFY(lost.transient);
    QVERIFY(lost.evictConnection);
    const SqlStateClass unknown = classify(QString(), QSqlError::StatementError);
    QCOMPARE(unknown.kind, DbError::Kind::Fatal);
    QVERIFY(!unknown.transient);
}

void TestDbError::backoffStaysWithinFullJitterBounds_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<int>("ceiling");
    // critical(): base 100 ms, cap 3000 ms
    QTest::newRow("first retry") << 1 << 100;
    QTest::newRow("second retry") << 2 << 200;
    QTest::newRow("fifth retry") << 5 << 1600;
    QTest::newRow("capped") << 6 << 3000;
    QTest::newRow("far beyond, no overflow") << 200 << 3000;
}

void TestDbError::backoffStaysWithinFullJitterBounds()
{
    QFETCH(int, attempt);
    QFETCH(int, ceiling);
    const RetryPolicy policy = RetryPolicy::critical();
    std::mt19937_64 rng(42);
    long long low = ceiling, high = 0;
    for (int i = 0; i < 2000; ++i) {
        const long long ms = policy.backoff(attempt, rng).count();
        QVERIFY(ms >= 0);
        QVERIFY(ms <= ceiling);
        low = std::min(low, ms);
        high = std::max(high, ms);
    }
    // Full jitter spreads over the whole range, not just near the ceiling.
    QVERIFY(low < ceiling / 4);
    QVERIFY(high > ceiling * 3 / 4);
    QCOMPARE(RetryPolicy::none().backoff(1, rng).count(), 0);
}

void TestDbError::elidesLiteralValues_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("elided");
    QTest::newRow("string and number")
        << QStringLiteral("SELECT * FROM customers WHERE plate = 'AB123' AND id = 42")
        << QStringLiteral("SELECT * FROM customers WHERE plate = ? AND id = ?");
    QTest::newRow("quote inside string")
        << QStringLiteral("UPDATE c SET name = 'O''Brien' WHERE x = -1.5")
        << QStringLiteral("UPDATE c SET name = ? WHERE x = ?");
    QTest::newRow("identifiers with digits stay")
        << QStringLiteral("SELECT col1 FROM t2 WHERE a = $1")
        << QStringLiteral("SELECT col1 FROM t2 WHERE a = $1");
    QTest::newRow("dollar quoted body")
        << QStringLiteral("DO $$ BEGIN PERFORM 'secret'; END $$")
        << QStringLiteral("DO ?");
    QTest::newRow("placeholders kept") << QStringLiteral("INSERT INTO t VALUES (?, ?)")
                                       << QStringLiteral("INSERT INTO t VALUES (?, ?)");
}

void TestDbError::elidesLiteralValues()
{
    QFETCH(QString, sql);
    QFETCH(QString, elided);
    QCOMPARE(Sql::elideValues(sql), elided);
}

void TestDbError::logStringNamesStateAndLabel()
{
    DbError e = DbError::fromSqlError(QSqlError(QString(), QStringLiteral("conflicting key value violates exclusion constraint"),
                                                QSqlError::StatementError, QStringLiteral("23P01")),
                                      QStringLiteral("INSERT INTO bookings"));
    e.setLabel(QStringLiteral("booking.create"));
    const QString line = e.toLogString();
    QVERIFY(line.contains(QStringLiteral("sqlstate=23P01")));
    QVERIFY(line.contains(QStringLiteral("label=booking.create")));
    QVERIFY(line.startsWith(QStringLiteral("slot_taken")));
}

void TestDbError::readsTheServersCodeFromLibpqsRefusal_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("state");
    QTest::newRow("wrong password")
        << QStringLiteral("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  28P01\n")
        << QStringLiteral("28P01");
    QTest::newRow("severity in the server's language")
        << QStringLiteral("connection to server at \"db\" (10.0.0.5), port 5432 failed: SCHWERWIEGEND:  3D000")
        << QStringLiteral("3D000");
    QTest::newRow("two hosts tried: the last one's code")
        << QStringLiteral("connection to server at \"a\", port 1 failed: FATAL:  57P03\n"
                          "connection to server at \"b\", port 2 failed: FATAL:  28000\n")
        << QStringLiteral("28000");
    QTest::newRow("refused by the kernel: no code")
        << QStringLiteral("connection to server at \"127.0.0.1\", port 54321 failed: Connection refused\n"
                          "\tIs the server running on that host and accepting TCP/IP connections?\n")
        << QString();
    QTest::newRow("client-side SSL failure: no code")
        << QStringLiteral("connection to server at \"127.0.0.1\", port 5432 failed: server does not support "
                          "SSL, but SSL was required\n")
        << QString();
    QTest::newRow("no password supplied: no code")
        << QStringLiteral("connection to server at \"127.0.0.1\", port 5432 failed: fe_sendauth: no password "
                          "supplied\n")
        << QString();
}

void TestDbError::readsTheServersCodeFromLibpqsRefusal()
{
    QFETCH(QString, message);
    QFETCH(QString, state);
    QCOMPARE(ConnectRefusal::sqlStateOf(message), state);
}

void TestDbError::refusalsOnlyNewSettingsCureSayWhatToChange_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<bool>("needsPassword");
    QTest::addColumn<bool>("sslRefused");
    QTest::addColumn<bool>("configuration");
    QTest::addColumn<QString>("names");
    auto row = [](const char *name, const char *state, bool needsPassword, bool sslRefused, bool configuration,
                  const char *names) {
        QTest::newRow(name) << QString::fromLatin1(state) << needsPassword << sslRefused << configuration
                            << QString::fromUtf8(names);
    };
    row("28P01 wrong password", "28P01", false, false, true, "password");
    row("no password set", "", true, false, true, "password");
    row("28000 unknown role or pg_hba.conf", "28000", false, false, true, "pg_hba.conf");
    row("3D000 no such database", "3D000", false, false, true, "“shop”");
    row("42501 no CONNECT privilege", "42501", false, false, true, "CONNECT");
    row("SSL required, server without", "", false, true, true, "sslmode “require”");
    row("57P03 starting up: retried", "57P03", false, false, false, "");
    row("53300 too many connections: retried", "53300", false, false, false, "");
    row("no answer at all: retried", "", false, false, false, "");
}

void TestDbError::refusalsOnlyNewSettingsCureSayWhatToChange()
{
    QFETCH(QString, state);
    QFETCH(bool, needsPassword);
    QFETCH(bool, sslRefused);
    QFETCH(bool, configuration);
    QFETCH(QString, names);
    DatabaseConfig config;
    config.user = QStringLiteral("desk");
    config.database = QStringLiteral("shop");
    config.sslMode = QStringLiteral("require");
    const std::optional<DbError> error = ConnectRefusal::toError(config, {state, needsPassword, sslRefused});
    QCOMPARE(error.has_value(), configuration);
    if (!configuration)
        return;
    QCOMPARE(error->kind(), DbError::Kind::Configuration);
    QVERIFY(!error->isTransient());
    QCOMPARE(error->sqlState(), state);
    QVERIFY2(error->message().contains(names), qPrintable(error->message()));
    QVERIFY2(!error->message().contains(QLatin1String("unavailable")), qPrintable(error->message()));
}

QTEST_GUILESS_MAIN(TestDbError)
#include "tst_dberror.moc"
